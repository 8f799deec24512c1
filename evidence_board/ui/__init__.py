"""The Qt board window: scene, items, view, panels and the main window.

Everything here reads a case once and then follows the ``Changes`` the
services report; nothing changes a case except through ``CaseService``.
"""

