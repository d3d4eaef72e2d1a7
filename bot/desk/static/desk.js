// The desk's one script (progressive: every page works without it). An open request page asks for the
// request's version every few seconds; when the person answers in their chat, or a colleague changes the
// request, the page reloads itself, unless the staff member has started typing, who is told instead.
"use strict";
(function () {
  const page = document.querySelector("[data-version-url]");
  if (!page) {
    return;
  }
  const url = page.dataset.versionUrl;
  const seen = page.dataset.version;
  const seconds = Math.max(1, Number(page.dataset.pollSeconds) || 10);
  const notice = document.getElementById("changed");

  function edited() {
    const fields = document.querySelectorAll("main input:not([type=hidden]), main textarea, main select");
    return Array.from(fields).some((field) =>
      field.tagName === "SELECT"
        ? Array.from(field.options).some((option) => option.selected !== option.defaultSelected)
        : field.value !== field.defaultValue
    );
  }

  async function check() {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) {
        return; // signed out: the next click shows the login page
      }
      if (response.ok) {
        const body = await response.json();
        if (body.version !== seen) {
          if (!edited()) {
            window.location.reload();
            return;
          }
          if (notice) {
            notice.hidden = false;
          }
          return;
        }
      }
    } catch (error) {
      // offline for a moment: try again at the next tick
    }
    window.setTimeout(check, seconds * 1000);
  }

  window.setTimeout(check, seconds * 1000);
})();
