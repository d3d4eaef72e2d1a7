"""Pictures of where points and zones are: foot maps drawn from data (content/views.toml).

`views` is pure Python (the content loader checks places with it); `draw` renders PNGs with Pillow.
"""
