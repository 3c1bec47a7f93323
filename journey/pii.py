"""Personal data taken out of text: e-mail addresses, phone numbers, payment card numbers (those
that pass the Luhn check) and IBANs (those whose check digits are right), and any pattern a
company adds. Applied before text leaves the machine for a model provider and, if configured,
before a visitor's message is stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# International (+49..., 0049...), national (030...) or North American ((415) 555-0100): a
# bare run of digits (an order number, a date) is none of these.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00|0)\d(?:[ ()./-]{0,2}\d){7,13}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]?\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?!\w)"
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _iban_valid(text: str) -> bool:
    compact = text.replace(" ", "")
    moved = compact[4:] + compact[:4]
    as_number = "".join(str(int(c, 36)) for c in moved)
    return int(as_number) % 97 == 1


def redact(text: str, extra: Sequence[str] = ()) -> str:
    """The text with personal data replaced by what it was: [email], [iban], [card], [phone];
    matches of the extra patterns become [redacted]."""
    text = EMAIL.sub("[email]", text)
    text = IBAN.sub(lambda m: "[iban]" if _iban_valid(m.group()) else m.group(), text)
    text = CARD.sub(lambda m: "[card]" if _luhn(re.sub(r"\D", "", m.group())) else m.group(), text)
    text = PHONE.sub("[phone]", text)
    for pattern in extra:
        text = re.sub(pattern, "[redacted]", text)
    return text
