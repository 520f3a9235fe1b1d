"""Phone numbers as links: one rule for every tel: address the guide writes
(the hospital's numbers, the urgent-care card, the region's helplines)."""
import re

# "1-800-4-CANCER (1-800-422-6237)": a number spelt with letters gives the
# digits to dial in brackets. In "(020) 7123 4567" the brackets are only
# grouping.
DIAL = re.compile(r"\(([\d\s+.-]+)\)")


def tel_address(number):
    """The tel: address of a number as people write it: only its digits and
    a leading +, so "+44 20 7123 4567" stays international."""
    text = str(number)
    dial = DIAL.search(text)
    if dial and re.search(r"[A-Za-z]", DIAL.sub("", text)):
        return re.sub(r"[^\d+]", "", dial.group(1))
    return re.sub(r"[^\d+]", "", text)
