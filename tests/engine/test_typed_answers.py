"""What a new user typed, and what they must get: every question answers typed words, not only taps."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.engine import state as S
from bot.engine.safety import is_pregnant
from tests.engine.helpers import answer_all, to_feedback, to_finding, to_running, to_too_painful
from tests.flow import Flow


def _texts(replies: list[object]) -> str:
    return "\n".join(r.text for r in replies)  # type: ignore[attr-defined]


# ---- "too painful" -> "lighter or stop?" must not loop -----------------------------------------


@pytest.mark.parametrize(
    "typed", ["lighter", "go on lighter", "Go on, lighter", "1", "go on", "continue", "gentler", "легче", "полегче"]
)
def test_too_painful_takes_lighter_in_words_or_its_number(flow: Flow, typed: str) -> None:
    to_too_painful(flow)
    replies = flow.say(typed)
    assert flow.state.state == S.SESSION_RUNNING, _texts(replies)
    assert flow.state.session is not None and flow.state.session.light


def test_too_painful_stop_in_words(flow: Flow) -> None:
    to_too_painful(flow)
    flow.say("2")
    assert flow.state.state == S.IDLE and flow.state.session is None


# ---- reminders answered in words ---------------------------------------------------------------


def _reminder_due(flow: Flow) -> None:
    flow.say("remind me at 10pm every night")
    flow.wait(2 * 3600)  # T0 is 20:00 in Dubai: the reminder comes at 22:00
    assert flow.state.due_reminder


@pytest.mark.parametrize("typed", ["snooze", "Snooze 15 min", "later", "2"])
def test_a_reminder_is_snoozed_in_words(flow: Flow, typed: str) -> None:
    _reminder_due(flow)
    replies = flow.say(typed)
    assert any(t.startswith("snooze:") for t in flow.timers), _texts(replies)
    assert "again in 15 minutes" in _texts(replies)


@pytest.mark.parametrize("typed", ["skip tonight", "skip", "skip it", "3"])
def test_a_reminder_is_skipped_in_words(flow: Flow, typed: str) -> None:
    _reminder_due(flow)
    replies = flow.say(typed)
    assert "Skipping tonight" in _texts(replies)
    assert flow.state.due_reminder == 0


def test_start_in_words_starts_the_point_that_helped_last_time(flow: Flow) -> None:
    flow.tap("start:SP6")
    answer_all(flow)
    while flow.state.state != S.FEEDBACK:
        flow.control("ready") if flow.state.state == S.SESSION_FINDING else flow.wait(30)
    flow.say("better")
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")  # KI1 was used last, but SP6 is what helped
    _reminder_due(flow)
    replies = flow.say("start")
    assert flow.state.state in (S.SAFETY, S.SESSION_FINDING)
    assert "SP6" in _texts(replies)


def test_a_stale_skip_with_no_reminder_waiting_does_not_pretend(flow: Flow) -> None:
    flow.say("hi")
    replies = flow.tap("rem:skip:7")
    assert "Skipping tonight" not in _texts(replies)
    assert "no reminder waiting" in _texts(replies)
    replies = flow.say("skip tonight")
    assert "Skipping tonight" not in _texts(replies)


def test_a_skip_after_the_reminder_was_answered_is_stale(flow: Flow) -> None:
    _reminder_due(flow)
    flow.say("skip")
    replies = flow.say("skip")
    assert "Skipping tonight" not in _texts(replies)


# ---- recurrence is understood or asked about, never a silent one-off ---------------------------


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("remind me every nite at 10pm", ()),
        ("remind me evry night at 10pm", ()),
        ("remind me each night at 10pm", ()),
        ("remind me nightly at 10pm", ()),
        ("remind me at 10pm every day", ()),
        ("remind me weekdays at 7", (0, 1, 2, 3, 4)),
        ("remind me at 9pm on weekends", (5, 6)),
    ],
)
def test_recurring_words_make_a_recurring_reminder(flow: Flow, typed: str, days: tuple[int, ...]) -> None:
    flow.say(typed)
    assert len(flow.state.reminders) == 1, flow.text()
    reminder = flow.state.reminders[0]
    assert reminder.daily and reminder.days == days


def test_weekdays_at_7_means_the_evening_on_weekdays_only(flow: Flow) -> None:
    flow.say("remind me weekdays at 7")
    reminder = flow.state.reminders[0]
    assert (reminder.hour, reminder.minute) == (19, 0)
    at, _ = flow.timers[f"reminder:{reminder.id}"]
    assert at.astimezone(flow.now.tzinfo).weekday() in range(5) or at.weekday() < 5


def test_an_unclear_repeat_is_asked_not_made_a_one_off(flow: Flow) -> None:
    flow.say("remind me every other day at 10pm")
    assert flow.state.reminders == () or flow.state.reminders[0].daily
    if not flow.state.reminders:
        assert flow.state.state == S.REMINDER_TIME
        assert "every night at 22:00" in flow.text()
        flow.say("1")
        assert flow.state.reminders[0].daily


def test_the_same_reminder_twice_is_merged_and_said_so(flow: Flow) -> None:
    flow.say("remind me at 10pm every night")
    replies = flow.say("remind me every nite at 22:00")
    assert len(flow.state.reminders) == 1
    assert "already have that reminder" in _texts(replies)


def test_the_list_tells_reminders_apart(flow: Flow) -> None:
    flow.say("remind me at 10pm every night")
    flow.say("remind me weekdays at 7am")
    flow.say("remind me tomorrow at 9pm")
    text = _texts(flow.say("my reminders"))
    assert "every night at 22:00" in text
    assert "weekdays (Mon-Fri) at 07:00" in text
    assert "once, at 21:00 on" in text
    assert [c.label for c in flow.state.shown] == ["Stop reminder 1", "Stop reminder 2", "Stop reminder 3"]


def test_a_bare_time_to_what_time_is_a_nightly_habit_and_tomorrow_is_once(flow: Flow) -> None:
    flow.say("remind me")
    flow.say("10pm")
    flow.say("remind me")
    flow.say("just tomorrow at 7am")
    daily, once = flow.state.reminders
    assert daily.daily and not once.daily


# ---- safety answers corrected in words; someone else's answers are not the person's ------------


def _asking(flow: Flow, question: str) -> None:
    flow.tap("start:KI1")
    while flow.state.state == S.SAFETY and flow.state.question != question:
        answer_all_once(flow)


def answer_all_once(flow: Flow) -> None:
    defaults = {"acute": "none", "pressure": "no", "pregnancy": "no", "clot": "no", "foot": "no", "chronic": "no"}
    flow.tap(f"ans:{flow.state.question}:{defaults[flow.state.question]}")


def test_i_pressed_yes_by_mistake_asks_that_question_again(flow: Flow) -> None:
    _asking(flow, "pregnancy")
    flow.tap("ans:pregnancy:yes")
    assert flow.state.state == S.SAFETY
    flow.say("I pressed yes by mistake")
    assert flow.state.state == S.SAFETY and flow.state.question == "pregnancy"
    flow.say("no")
    assert not is_pregnant(flow.state.answers)


def test_my_blood_pressure_is_normal_now_reasks_the_question(flow: Flow) -> None:
    _asking(flow, "pressure")
    flow.tap("ans:pressure:yes")
    assert "blood pressure" in flow.text()  # no session: ruled out
    flow.say("my blood pressure is normal now")
    assert flow.state.state == S.SAFETY and flow.state.question == "pressure"
    flow.tap("ans:pressure:no")
    answer_all(flow)
    assert flow.state.state == S.SESSION_FINDING


@pytest.mark.parametrize(
    "typed", ["no, my blood pressure is normal", "my BP is fine", "нет, давление нормальное", "لا، ضغطي طبيعي"]
)
def test_the_question_on_screen_answered_in_words_is_a_no(flow: Flow, typed: str) -> None:
    _asking(flow, "pressure")
    flow.say(typed)
    assert flow.state.answers["pressure"].value == "no"
    assert flow.state.state == S.SAFETY and flow.state.question != "pressure"


# Typed as people answer, in the languages of Dubai: each is the answer on the right, and the next question comes.
ANSWERED_IN_WORDS = [
    ("acute", "nothing like that", "none"),
    ("acute", "none of the above", "none"),
    ("acute", "all good", "none"),
    ("acute", "no im fine", "none"),
    ("acute", "i just had dinner 10 min ago", "ate"),
    ("acute", "لا شيء مما سبق", "none"),  # the button's own label
    ("acute", "لا شي من هذا", "none"),
    ("acute", "لا انا بخير", "none"),
    ("acute", "توني متغدي", "ate"),
    ("acute", "Только что поел(а)", "ate"),  # the button's own label ("только" alone hedges)
    ("acute", "только что из спортзала", "exercised"),
    ("acute", "нет, всё в порядке", "none"),
    ("pressure", "its normal", "no"),
    ("pressure", "nope its fine", "no"),
    ("pressure", "طبيعي", "no"),
    ("pressure", "в норме", "no"),
    ("pregnancy", "no way", "no"),
    ("pregnancy", "lol no", "no"),
    ("pregnancy", "لا، لست حاملا", "no"),
    ("pregnancy", "hindi po ako buntis", "no"),
    ("pregnancy", "hindi po", "no"),
    ("foot", "no, my feet are fine", "no"),
    ("foot", "رجولي سليمة", "no"),
    ("chronic", "nope, healthy", "no"),
    ("chronic", "нет, здоров", "no"),
]


@pytest.mark.parametrize(("question", "typed", "value"), ANSWERED_IN_WORDS)
def test_safety_questions_answered_in_everyday_words(flow: Flow, question: str, typed: str, value: str) -> None:
    _asking(flow, question)
    replies = flow.say(typed)
    assert flow.state.answers[question].value == value, _texts(replies)
    assert flow.state.question != question or flow.state.state != S.SAFETY


# Never "no" on words that do not say it: "I'm fine" is not "I'm not pregnant"; a bare "ok" may agree; a
# temperature said to be fine says nothing of a meal; "all good but I ate" is a hedge.
@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("pregnancy", "fine"),
        ("pregnancy", "i am fine"),
        ("acute", "my temperature is fine"),
        ("acute", "all good but i ate"),
    ],
)
def test_words_that_do_not_answer_it_keep_the_question(flow: Flow, question: str, typed: str) -> None:
    _asking(flow, question)
    flow.say(typed)
    assert flow.state.state == S.SAFETY and flow.state.question == question
    assert question not in flow.state.answers


@pytest.mark.parametrize("typed", ["no, high blood pressure", "my bp is normal with tablets"])
def test_the_risk_itself_named_asks_again(flow: Flow, typed: str) -> None:
    _asking(flow, "pressure")
    flow.say(typed)
    assert flow.state.state == S.SAFETY and flow.state.question == "pressure"
    assert flow.state.answers.get("pressure") is None


def test_words_about_another_question_keep_the_one_on_screen(flow: Flow) -> None:
    """ "no diabetes or heart problems" while the feet are asked about: that question comes in its turn (a
    denial of some of its risks answers nothing), and the questions go on instead of ending at the menu."""
    _asking(flow, "foot")
    replies = flow.say("no diabetes or heart problems")
    assert flow.state.state == S.SAFETY and flow.state.question == "foot", _texts(replies)
    assert "chronic" not in flow.state.answers
    answer_all(flow)
    assert flow.state.state == S.SESSION_FINDING


def test_change_my_answers_clears_them(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    flow.say("change my answers")
    assert flow.state.answers == {}


def test_my_wife_is_pregnant_is_not_recorded_as_mine_but_offers_stay_safe(flow: Flow) -> None:
    replies = flow.say("my wife is pregnant and has back pain")
    assert "pregnancy" not in flow.state.answers
    assert flow.state.others_pregnant
    assert "someone you care for is pregnant" in _texts(replies)
    assert "BL60" not in flow.state.offered  # forbidden in pregnancy: not offered for her


def test_i_am_pregnant_is_recorded(flow: Flow) -> None:
    flow.say("I'm pregnant and my back aches")
    assert is_pregnant(flow.state.answers)


# ---- a button by its place --------------------------------------------------------------------

PLACES = [
    ("I have a headache", "the first one", 1),
    ("I have a headache", "lets do the second one", 2),
    ("I have a headache", "number 2", 2),
    ("I have a headache", "option 1", 1),
    ("болит голова", "давай первую", 1),
    ("болит голова", "вторую", 2),
    ("عندي صداع", "الثاني", 2),
    ("عندي صداع", "ابي الأول", 1),
    ("3indi sda3", "el awal", 1),
    ("sar dard ho raha hai", "pehla wala", 1),
    ("masakit ang ulo ko", "yung pangalawa", 2),
]


@pytest.mark.parametrize(("opening", "typed", "place"), PLACES)
def test_an_offer_is_picked_by_its_place(flow: Flow, opening: str, typed: str, place: int) -> None:
    flow.say(opening)
    wanted = flow.state.offered[place - 1]
    replies = flow.say(typed)
    assert flow.state.state == S.SAFETY and flow.state.pending_item == wanted, _texts(replies)


def test_one_second_in_a_session_is_no_button(flow: Flow) -> None:
    to_running(flow)
    flow.say("one second")
    assert flow.state.state == S.SESSION_RUNNING


# ---- a question mid-session --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["help", "what is this point for", "where is it?", "how hard should I press?"])
def test_a_question_mid_session_answers_without_the_menu_or_a_step_after_it(flow: Flow, typed: str) -> None:
    to_running(flow)
    replies = flow.say(typed)
    assert replies and all("Bedtime reminder" not in c.label for r in replies for c in r.choices)
    assert flow.state.state == S.SESSION_PAUSED
    assert not flow.wait(300), "nothing arrives while they read the answer"
    assert any(c.label == "Resume" for c in replies[-1].choices)
    flow.say("resume")
    assert flow.state.state == S.SESSION_RUNNING


@pytest.mark.parametrize("typed", ["found it", "I found it", "ok found the point", "ready", "нашла", "لقيتها"])
def test_the_point_found_in_words_starts_the_presses(flow: Flow, typed: str) -> None:
    to_finding(flow)
    replies = flow.say(typed)
    assert flow.state.state == S.SESSION_RUNNING, _texts(replies)


@pytest.mark.parametrize(
    ("typed", "feeling"),
    [
        ("a bit better i think", "better"),
        ("slightly better", "better"),
        ("thoda better", "better"),
        ("вроде лучше", "better"),
        ("kind of the same", "same"),
        ("it didn't help", "same"),
        ("not better", "same"),
        ("still hurts", "same"),
        ("worse actually", "worse"),
    ],
)
def test_how_do_you_feel_now_answered_in_more_words(flow: Flow, typed: str, feeling: str) -> None:
    to_feedback(flow)
    replies = flow.say(typed)
    assert flow.state.history and flow.state.history[-1].feeling == feeling, _texts(replies)


@pytest.mark.parametrize("typed", ["better but my back is worse", "is it better to press harder?"])
def test_a_mixed_feeling_or_a_question_is_not_taken_as_an_answer(flow: Flow, typed: str) -> None:
    to_feedback(flow)
    flow.say(typed)
    assert not flow.state.history


def test_help_while_finding_the_point_keeps_the_session(flow: Flow) -> None:
    to_finding(flow)
    replies = flow.say("help")
    assert flow.state.state == S.SESSION_FINDING
    assert "pause" in _texts(replies) and any(c.label == "Ready" for c in replies[-1].choices)


# ---- refuse up front ---------------------------------------------------------------------------


def test_a_stored_blood_pressure_answer_refuses_before_any_question(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow, {"pressure": "yes"})
    flow.now += timedelta(hours=2)  # the "right now" answer is stale, the blood pressure one is not
    replies = flow.tap("start:ST44")
    assert flow.state.state == S.IDLE
    assert "blood pressure" in _texts(replies)
    assert "Right now" not in _texts(replies), "no question that no longer matters"


def test_pregnancy_and_a_forbidden_point_stop_the_questions_at_once(flow: Flow) -> None:
    flow.tap("start:EX-LE11")
    flow.tap("ans:acute:none")
    flow.tap("ans:pressure:no")
    replies = flow.tap("ans:pregnancy:yes")
    assert flow.state.state == S.IDLE
    assert "avoided in pregnancy" in _texts(replies)


# ---- FAQ and the one fallback ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["how often should I do this?", "how long does a session take", "are you a doctor", "how much does it cost"],
)
def test_plain_questions_get_answers_not_the_symptom_fallback(flow: Flow, typed: str) -> None:
    flow.say("hi")
    replies = flow.say(typed)
    assert "something you feel" not in _texts(replies)
    assert "not sure how to help" not in _texts(replies)


def test_an_unknown_question_gets_the_one_fallback_with_the_menu(flow: Flow) -> None:
    flow.say("hi")
    replies = flow.say("what's the capital of Peru?")
    assert "don't have an answer" in _texts(replies)
    assert any(c.id == "rem:ask" for c in replies[-1].choices)


# ---- points by name, alias or code -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [("KD1", "KI1"), ("yongquan", "KI1"), ("show me ST44", "ST44"), ("LR1 Duyin", "EX-LE11"), ("sp6", "SP6")],
)
def test_points_are_found_by_name_alias_or_code(flow: Flow, typed: str, code: str) -> None:
    flow.say("hi")
    flow.say(typed)
    assert flow.state.state == S.OFFERED and flow.state.offered[0] == code


# ---- pace --------------------------------------------------------------------------------------


def _rest_seconds(flow: Flow) -> int:
    """Run to the next rest step and return its length."""
    for _ in range(40):
        session = flow.state.session
        assert session is not None and session.timer_id is not None
        if flow.state.state == S.SESSION_FINDING:
            flow.control("ready")
            continue
        due, _ = flow.timers[session.timer_id]
        sent = flow.wait((due - flow.now).total_seconds())
        if sent and sent[-1].reply.text.startswith("Rest"):
            return int(sent[-1].reply.text.split()[1])
    raise AssertionError("no rest step")


def test_slower_lengthens_rests_and_faster_shortens_them_within_bounds(flow: Flow) -> None:
    flow.tap("start:KI1")  # rests of 5 s
    answer_all(flow)
    flow.control("ready")
    normal = _rest_seconds(flow)
    flow.say("slower")
    slower = _rest_seconds(flow)
    assert slower > normal
    for _ in range(6):
        flow.say("faster")
    fastest = _rest_seconds(flow)
    assert flow.kb.policy.min_rest_seconds <= fastest < normal
    for _ in range(10):
        flow.say("longer rest")
    assert normal < _rest_seconds(flow) <= flow.kb.policy.max_rest_seconds


# ---- time zone in words ------------------------------------------------------------------------


def test_im_in_london_now_sets_the_zone_and_moves_reminders(flow: Flow) -> None:
    flow.say("remind me at 10pm every night")
    replies = flow.say("I'm in London now")
    assert flow.state.tz == "Europe/London"
    assert "Europe/London" in _texts(replies)
    at, _ = flow.timers["reminder:1"]
    assert at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).hour == 22


def test_change_my_timezone_asks_where(flow: Flow) -> None:
    flow.say("change my timezone")
    assert flow.state.state == S.TIMEZONE_ASK
    flow.say("india")
    assert flow.state.tz == "Asia/Kolkata" and flow.state.state == S.IDLE


# ---- shorter offers ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["I feel bloated", "cant sleep", "headache", "period cramps", "anxious and tired"])
def test_an_offer_fits_a_phone_and_whatsapp(flow: Flow, typed: str) -> None:
    replies = flow.say(typed)
    offer = replies[-1]
    assert len(offer.text) <= 1600
    assert offer.text.count("Where:") == 1, "one item in full, the others in a line"


def test_more_options_describes_the_others(flow: Flow) -> None:
    flow.say("I feel bloated")
    replies = flow.say("more options")
    assert replies[-1].text.count("Where:") == len(flow.state.offered) > 1


def test_no_duplicated_pregnancy_line(flow: Flow) -> None:
    flow.say("I'm pregnant")
    replies = flow.say("show me KI1")
    text = _texts(replies)
    assert text.lower().count("pregnan") <= 1, text


def test_locations_do_not_assume_points_never_shown_or_jargon(flow: Flow) -> None:
    for key in flow.kb.items.keys:
        location = flow.kb.items[key].localized("en").location
        assert "Taibai" not in location and "diaphragm line" not in location.lower(), key


# ---- booking: how to reach the person, a summary in sentences ----------------------------------


def test_booking_asks_for_a_contact_and_summarises_in_sentences(flow: Flow) -> None:
    flow.tap("start:KI1")
    answer_all(flow)
    flow.control("stop")
    flow.say("book")
    flow.say("dhcc")
    assert flow.state.booking is not None and flow.state.booking.branch == "dhcc"
    flow.say("Tuesday evening")
    flow.say("Sara")
    assert flow.state.state == S.BOOKING_CONTACT
    flow.say("+971 50 123 4567")
    text = flow.text()
    assert "Contact: +971 50 123 4567" in text
    assert "acute:" not in text and "clot: no" not in text
    assert "not pregnant" in text and "no blood clot" in text
    flow.say("yes")
    record = dict(flow.records[-1].data)
    assert record["contact"] == "+971 50 123 4567"


@pytest.mark.parametrize(
    "typed", ["Dubai Healthcare City", "dhcc", "DHCC branch", "healthcare city", "2", "the one in healthcare city"]
)
def test_branch_by_a_key_word_of_its_label(flow: Flow, typed: str) -> None:
    flow.say("book")
    flow.say(typed)
    assert flow.state.booking is not None and flow.state.booking.branch == "dhcc"


@pytest.mark.parametrize(
    ("start", "typed", "branch"),
    [
        ("ابي احجز موعد", "الرئيسي", "main"),
        ("ابي احجز موعد", "مدينة دبي الطبية", "dhcc"),
        ("ابي احجز موعد", "الثاني", "dhcc"),
        ("хочу записаться", "главный", "main"),
        ("хочу записаться", "dhcc", "dhcc"),
    ],
)
def test_branches_are_named_and_typed_in_the_persons_language(flow: Flow, start: str, typed: str, branch: str) -> None:
    replies = flow.say(start)
    labels = [c.label for r in replies for c in r.choices]
    assert labels and all(not label.startswith(("Main Branch", "DHCC Branch")) for label in labels), labels
    flow.say(typed)
    assert flow.state.booking is not None and flow.state.booking.branch == branch


@pytest.mark.parametrize(("start", "typed"), [("book", "no"), ("book", "stop"), ("remind me", "no thanks")])
def test_no_to_a_question_that_starts_something_drops_it(flow: Flow, start: str, typed: str) -> None:
    flow.say(start)
    replies = flow.say(typed)
    assert flow.state.state == S.IDLE and flow.state.booking is None and not flow.state.reminders
    assert len(replies) == 1 and replies[0].choices, _texts(replies)  # said once, with the menu


def test_a_word_both_labels_share_picks_nothing(flow: Flow) -> None:
    flow.say("book")
    flow.say("branch")
    assert flow.state.state == S.BOOKING_BRANCH


@pytest.mark.parametrize("typed", ["who are you", "are you a doctor"])
def test_who_are_you_and_are_you_a_doctor_get_their_own_answers(flow: Flow, typed: str) -> None:
    flow.say("hi")
    text = _texts(flow.say(typed))
    assert "not a doctor" in text or "self-care companion" in text


def test_no_points_are_guided_for_a_child(flow: Flow) -> None:
    flow.say("hi")
    replies = flow.say("my son has a headache")
    assert flow.state.state != S.OFFERED
    assert not any(c.id.startswith("start:") for r in replies for c in r.choices)
    assert "child" in _texts(replies).lower()


@pytest.mark.parametrize("typed", ["none of them", "none of these", "nothing applies", "none apply", "nope"])
def test_none_of_them_answers_the_right_now_question(flow: Flow, typed: str) -> None:
    flow.tap("start:KI1")
    assert flow.state.question == "acute"
    flow.say(typed)
    assert flow.state.answers["acute"].value == "none"


@pytest.mark.parametrize("typed", ["yes", "ok let's go", "start"])
def test_yes_to_an_offer_starts_its_best_item(flow: Flow, typed: str) -> None:
    flow.say("I feel bloated")
    best = flow.state.offered[0]
    flow.say(typed)
    assert flow.state.state == S.SAFETY and flow.state.pending_item == best


@pytest.mark.parametrize("typed", ["privacy", "what do you keep about me", "who sees my data"])
def test_the_privacy_notice_in_plain_words(flow: Flow, typed: str) -> None:
    flow.say("hi")
    text = _texts(flow.say(typed))
    assert "What I keep about you" in text and "delete my data" in text


@pytest.mark.parametrize(
    "typed", ["remind me tomorrow at 9pm", "ذكرني بكرة الساعة ٩ بالليل", "напомни завтра в 9 вечера"]
)
def test_tomorrow_is_the_next_day_even_before_that_time_today(flow: Flow, typed: str) -> None:
    """T0 is 20:00 in Dubai: "tomorrow at 9pm" is 25 hours away, not one."""
    flow.say(typed)
    (reminder,) = flow.state.reminders
    assert not reminder.daily and reminder.once_at is not None
    assert datetime.fromisoformat(reminder.once_at) - flow.now == timedelta(hours=25)


@pytest.mark.parametrize("typed", ["im a man lol", "لا، انا رجال", "я мужчина"])
def test_i_am_a_man_answers_the_pregnancy_question(flow: Flow, typed: str) -> None:
    _asking(flow, "pregnancy")
    flow.say(typed)
    assert flow.state.answers["pregnancy"].value == "no"


def test_pregnancy_said_after_an_offer_offers_again_without_the_points_avoided(flow: Flow) -> None:
    flow.say("my lower back hurts")
    assert "start:BL60" in flow.choice_ids()
    flow.say("by the way I'm pregnant")
    assert flow.state.state == S.OFFERED and "BL60" not in flow.state.offered and flow.state.offered
    assert "start:BL60" not in flow.choice_ids()


def test_stop_all_reminders_instead_of_a_time_leaves_the_question(flow: Flow) -> None:
    flow.say("remind me")
    flow.say("stop all reminders")
    assert flow.state.state == S.IDLE


@pytest.mark.parametrize("typed", ["thanks bye", "bye", "stop"])
def test_goodbye_with_nothing_running_is_a_kind_goodbye(flow: Flow, typed: str) -> None:
    replies = flow.say(typed)
    assert "whenever you need me" in replies[-1].text and flow.state.state == S.IDLE


@pytest.mark.parametrize("typed", ["paalalahanan mo ako mamayang 10pm", "raat 10 baje yaad dila dena"])
def test_a_reminder_set_in_tagalog_or_roman_hindi_is_dated_in_the_language_of_its_reply(flow: Flow, typed: str) -> None:
    """Tagalog and Roman Hindi have no "reminder set" message of their own: the English one comes, with an
    English date ("Sat 21 Nov", not "Sab 21 Nob" / "Shani 21 Nov")."""
    replies = flow.say(typed)
    assert "I'll remind you once, at 22:00 on Sat 21 Nov" in _texts(replies)


@pytest.mark.parametrize("typed", ["remind me at 10pm", "where is the clinic?", "ذكرني الساعة ١٠ بالليل"])
def test_an_aside_between_two_answers_keeps_the_question(flow: Flow, typed: str) -> None:
    """A reminder set or the clinic's address asked for mid-questions: done, and the question is asked again
    (before, the questions were dropped and the next "no" got the menu)."""
    _asking(flow, "pressure")
    flow.say(typed)
    assert flow.state.state == S.SAFETY and flow.state.question == "pressure"
    assert flow.state.pending_item == "KI1"
    flow.say("no")
    assert flow.state.answers["pressure"].value == "no"


def test_a_reminder_with_no_time_asks_the_time_instead(flow: Flow) -> None:
    _asking(flow, "pressure")
    flow.say("remind me")
    assert flow.state.state == S.REMINDER_TIME
