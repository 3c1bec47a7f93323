"""Personal data taken out of text before it leaves the machine (and, if configured, before it
is stored): e-mails, phones, card numbers that pass Luhn, IBANs whose check digits hold, and a
company's own patterns; what only looks like them (dates, order numbers, a card number that
fails Luhn) stays."""

from __future__ import annotations

import pytest

from journey.pii import redact


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Mail me at kim.lee+x@acme.co.uk please", "Mail me at [email] please"),
        ("Card 4111 1111 1111 1111 expires soon", "Card [card] expires soon"),
        ("Card 4111-1111-1111-1111", "Card [card]"),
        ("IBAN DE89 3704 0044 0532 0130 00 here", "IBAN [iban] here"),
        ("pay to GB82WEST12345698765432", "pay to [iban]"),
        ("Call +49 30 1234567 or 0049 (30) 123-4567", "Call [phone] or [phone]"),
        ("or (415) 555-0100 or 030 12345678", "or [phone] or [phone]"),
        ("Order 12345 for 2026-11-15, 3 seats, €49, 20000 users",
         "Order 12345 for 2026-11-15, 3 seats, €49, 20000 users"),
        ("Card 4111 1111 1111 1112 (a typo)", "Card 4111 1111 1111 1112 (a typo)"),
        ("version 2.13.0 and 14 days", "version 2.13.0 and 14 days"),
    ],
)  # fmt: skip
def test_personal_data_is_taken_out_and_lookalikes_stay(text: str, redacted: str) -> None:
    assert redact(text) == redacted


def test_a_companys_own_patterns() -> None:
    said = "Customer CUST-004711 asks about invoice INV-2026-77"
    assert redact(said, [r"CUST-\d{6}"]) == "Customer [redacted] asks about invoice INV-2026-77"


def test_a_model_never_sees_the_visitors_personal_data() -> None:
    from assistant.generation import prompt_messages, rewrite_messages

    history = [("visitor", "I'm kim@acme.io"), ("bot", "Hello!")]
    sent = prompt_messages("My card 4111 1111 1111 1111 was charged twice", [], history,
                           "en", "Acme")  # fmt: skip
    rewritten = rewrite_messages("call me on +44 20 7946 0958", history)
    every = " ".join(str(m.content) for m in [*sent, *rewritten])
    assert "kim@acme.io" not in every and "4111" not in every and "7946" not in every
    assert "[card] was charged twice" in every and "[email]" in every
