"""The yearly archive package of a commune (Luật Lưu trữ 2024): one zip of a closed year's records.

:mod:`.contents` reads the year's records and writes the zip (Word files, signed PDFs,
``manifest.json``, ``muc_luc.csv``); :mod:`.services` requests and builds a package.
"""
