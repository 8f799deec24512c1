"""The application's icons, desktop entry and MIME type (``resources/`` at the top of the source tree).

pyproject.toml maps this folder into the package as ``evidence_board.resources``, so
an installed wheel carries it; read it with ``importlib.resources`` (see
:func:`evidence_board.desktop.resources_dir`). ``make_icons.py`` renders the PNGs.
"""
