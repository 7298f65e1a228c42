"""The public part of the central server: no login, no personal data.

- :mod:`.figures`: aggregates kept current by every push (``public_*`` tables).
- :mod:`.pages`: the HTML pages, open data (JSON, CSV) and the signed audit head.
- :mod:`.check`: "Cek dukungan" (NIK + birth date) with rate limits.
- :mod:`.objections`: "Saya tidak mendukung" objections and their outcome.

See docs/OPEN_DATA.md.
"""
