"""The board canvas: scene, items, view, interactions and layers.

The window's chrome and dialogs (``ui/main_window``, ``ui/export_dialog`` …)
build on this package; nothing here imports them, except the importers' file
handling that a drop onto the board starts (``ui/importing``) and the plain
text helpers menus and tool tips share (``ui/plain_text``).
"""
