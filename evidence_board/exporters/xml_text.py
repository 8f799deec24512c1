"""Text that XML 1.0 cannot hold, made so it can: every XML export (SVG, GraphML, GEXF).

A title may hold control characters (the API and the CLI accept them, and a
PDF's text layer has them), but XML 1.0 allows only tab, line feed and
carriage return below U+0020, and neither U+FFFE, U+FFFF nor a lone
surrogate anywhere: one such character and no XML reader opens the file
("Char 0x0 out of allowed range"). Each one becomes U+FFFD, the replacement
character, as undecodable text does when a case is read: one character for
one, so lengths and positions stay, and a reader sees that something was there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

REPLACEMENT = "\ufffd"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, value)


def make_tree_xml_safe(root: ET.Element) -> None:
    """Replace what XML cannot hold in every text, tail and attribute value of a tree."""
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        if element.tail:
            element.tail = xml_text(element.tail)
        for name, value in element.attrib.items():
            element.attrib[name] = xml_text(value)
