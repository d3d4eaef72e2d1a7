"""The console channel: `reflexbot chat` in real time, and `reflexbot chat --jsonl` on a virtual clock."""
