from assistant.extractive import extractive_answer
from assistant.grounding import clean_citations, groundedness
from assistant.retrieval import Passage


def passage(text: str, title: str = "Doc") -> Passage:
    return Passage(
        id=title,
        text=text,
        source="kb",
        title=title,
        url=None,
        section=None,
        score=1.0,
        dense=0.5,
        keyword=1.0,
    )


REFUNDS = passage(
    "Monthly plans can cancel anytime. Annual plans get a full refund within 30 days of the "
    "first purchase. After that there is no refund.",
    "Refunds",
)
INVOICES = passage(
    "Invoices are issued in EUR, USD or GBP. Find them under Settings, Billing.", "Invoices"
)


def test_citations_to_nothing_are_removed() -> None:
    text, used = clean_citations(
        "Refunds within 30 days [1]. Also [7] and [2].", [REFUNDS, INVOICES]
    )
    assert text == "Refunds within 30 days [1]. Also and [2]."
    assert used == [1, 2]


def test_groundedness_separates_supported_from_invented() -> None:
    grounded = groundedness("Annual plans get a full refund within 30 days [1].", [REFUNDS])
    invented = groundedness("Every plan includes a free espresso machine [1].", [REFUNDS])
    assert grounded == 1.0
    assert invented < 0.3
    half = groundedness(
        "Annual plans get a full refund within 30 days [1]. Espresso machines ship free [1].",
        [REFUNDS],
    )
    assert 0.3 < half < 0.8


def test_extractive_answer_picks_the_supporting_sentence() -> None:
    answer = " ".join(extractive_answer("Can I get a refund on an annual plan?", [REFUNDS]))
    assert "full refund within 30 days" in answer and answer.endswith("[1]")
    assert groundedness(answer, [REFUNDS, INVOICES]) == 1.0
    currency = extractive_answer("which currency are invoices in", [INVOICES, REFUNDS])
    assert currency[0] == "Invoices are issued in EUR, USD or GBP. [1]"


BILLING = passage(
    "You can pay **monthly** or **annually**:\n\n"
    "Starter: annual billing €19 per user/month; monthly billing €24 per user/month.\n"
    "Growth: annual billing €49 per user/month; monthly billing €59 per user/month.\n\n"
    "To find your invoices:\n1. Sign in.\n2. Go to **Settings → Billing**.\n"
    "3. Open the **Invoices** tab and download them as PDF.\n\n"
    "**How can I pay?**\nBy card (Visa, Mastercard). Annual contracts can pay by invoice.\n\n"
    "**My card payment failed. What happens now?**\nWe retry the payment over the next days.",
    "Billing",
)


def test_an_faq_entry_is_answered_by_its_answer_never_its_question() -> None:
    answer = extractive_answer("How can I pay, by card or invoice?", [BILLING])
    assert answer == ["By card (Visa, Mastercard). Annual contracts can pay by invoice. [1]"]
    failed = extractive_answer("what happens if our card payment fails?", [BILLING])
    assert failed == ["We retry the payment over the next days. [1]"]


def test_a_how_to_is_kept_whole_with_its_lead_in() -> None:
    answer = extractive_answer("where do I download invoices?", [BILLING])
    assert answer == [
        "To find your invoices:\n1. Sign in.\n2. Go to **Settings → Billing**.\n"
        "3. Open the **Invoices** tab and download them as PDF. [1]"
    ]


def test_a_table_row_answers_with_its_columns() -> None:
    answer = extractive_answer("growth price per user if billed annually?", [BILLING])
    assert (
        answer[0]
        == "Growth: annual billing €49 per user/month; monthly billing €59 per user/month. [1]"
    )


def test_extractive_answer_needs_passages() -> None:
    assert extractive_answer("anything", []) == []


USAGE = passage(
    "Extra runs cost €10 per 1,000 runs. You can follow your usage under Settings → Billing → "
    "Usage. Owners can also set a usage cap there. Enterprise plans include unlimited runs.\n\n"
    "SAML assertions are only valid for a short time. If the clock differs by more than 3 "
    "minutes, the assertion is rejected. Check the clock of your identity provider. Our team "
    "can help.",
    "Usage",
)


def test_a_sentence_comes_with_the_one_it_leans_on() -> None:
    cap = extractive_answer("can we cap overage charges for extra runs?", [USAGE])
    assert "Settings → Billing → Usage" in " ".join(cap) and "usage cap there" in " ".join(cap)
    expired = extractive_answer("why are SAML assertions expired?", [USAGE])
    assert "3 minutes" in " ".join(expired) and "Our team" not in " ".join(expired)


def test_a_short_paragraph_is_quoted_whole() -> None:
    text = passage(
        "An Owner can make another user an Owner under Settings → Users → Change role. To "
        "leave the workspace, an Owner must first make sure another Owner exists.\n\n"
        "Deactivated users lose access at once.",
        "Roles",
    )
    answer = " ".join(extractive_answer("I'm the only owner and leaving, what do I do?", [text]))
    assert "Change role" in answer and "Deactivated" not in answer


def test_rare_question_words_decide_between_sentences() -> None:
    text = passage(
        "Your finance team gets a copy of every invoice.\n\nDownload any invoice as a PDF.", "Docs"
    )
    question = "where do I download invoices as PDFs for our finance team?"
    rarity = {"pdf": 3.0, "download": 2.5, "invoic": 1.2, "financ": 0.4, "team": 0.2}
    assert extractive_answer(question, [text], rarity) == ["Download any invoice as a PDF. [1]"]


def test_an_answer_is_known_by_the_passage_it_quoted() -> None:
    from assistant.engine import _quotes

    said = "Annual plans get a **full refund** within 30 days of the first purchase. [1] More. [1]"
    assert _quotes(REFUNDS.text, said)
    assert not _quotes(INVOICES.text, said)
    assert not _quotes(REFUNDS.text, "Yes. [1]")  # too short to tell


def test_a_yes_or_no_faq_answer_brings_its_question() -> None:
    faq = passage("**Can Starter customers use chat?**\nNo. Starter includes email support.", "F")
    assert extractive_answer("Does Starter include chat?", [faq]) == [
        "**Can Starter customers use chat?**\nNo. Starter includes email support. [1]"
    ]


def test_a_question_naming_only_the_page_gets_its_opening() -> None:
    trial = Passage(
        id="t", text="Try it free for 14 days.\n\nEnterprise features are not part of the trial.",
        source="kb", title="Free trial", url=None, section=None, score=1.0, dense=0.5, keyword=1.0,
    )  # fmt: skip
    assert extractive_answer("Is there a free trial?", [trial]) == ["Try it free for 14 days. [1]"]


def test_a_part_holding_what_the_question_asks_for_is_preferred() -> None:
    connecting = Passage(
        id="c", text="You need the **Admin** or **Owner** role.\n\n1. Go to **Settings → "
        "Integrations**.\n2. Click **Connect**.\n\nOnce connected, Builders can use the "
        "integration in any workflow.", source="kb", title="Integrations",
        url=None, section="Integrations > Connecting an integration", score=1.0, dense=0.5,
        keyword=1.0,
    )  # fmt: skip
    # "who": a role, which the section heading ties to connecting integrations.
    assert "**Owner** role" in " ".join(
        extractive_answer("Who may connect integrations?", [connecting])
    )
    # "where": a place in the product.
    assert "Settings → Integrations" in " ".join(
        extractive_answer("where do I connect an integration?", [connecting])
    )


def test_a_part_of_the_second_passage_can_answer() -> None:
    answer = extractive_answer("which currency are invoices in?", [REFUNDS, INVOICES])
    assert answer and all(part.endswith("[2]") for part in answer)


def test_a_pages_own_bracketed_number_is_no_citation() -> None:
    footnoted = passage(
        "Refunds are paid within 14 days [3].\n\nContact billing for help.", "Refunds"
    )
    assert extractive_answer("how fast are refunds paid?", [footnoted]) == [
        "Refunds are paid within 14 days. [1]"
    ]


INTEGRATIONS = passage(
    "Brightloop connects to the tools your team already uses. This article lists the available "
    "integrations and explains how to connect them.\n\n"
    "Salesforce: what you can do Start workflows from opportunities and accounts.\n\n"
    "HubSpot: what you can do Start workflows from deals and companies.\n\n"
    "Slack: what you can do Send notifications and approve requests in channels.",
    "Integrations overview",
)


def test_a_tables_rows_answer_a_question_about_all_of_them() -> None:
    # Rows written a paragraph apart (long rows) are one table; a sentence about the page
    # ("This article lists the available integrations") points to the answer and is none.
    answer = extractive_answer("Which integrations are available?", [INTEGRATIONS])
    assert answer == [
        "Salesforce: what you can do Start workflows from opportunities and accounts.\n"
        "HubSpot: what you can do Start workflows from deals and companies.\n"
        "Slack: what you can do Send notifications and approve requests in channels. [1]"
    ]
    # A question about one row still gets that row alone.
    assert extractive_answer("What can I do with Slack?", [INTEGRATIONS]) == [
        "Slack: what you can do Send notifications and approve requests in channels. [1]"
    ]


def test_where_a_company_is_based_is_answered_by_a_place_not_a_url() -> None:
    from assistant.extractive import answer_kinds

    def answers(question: str, text: str) -> bool:
        return any(kind.search(text) for kind in answer_kinds(question))

    based = "Where is Acme based?"
    assert answers(based, "Acme is headquartered in **Amsterdam, the Netherlands**.")
    assert not answers(based, "**Base URL:** `https://api.example.com/v2`")
    # Where something is in the product is still a place in the product.
    assert answers("Where do I find my invoices?", "Go to **Settings → Billing**.")
    assert not answers("Where do I find my invoices?", "Acme is headquartered in Amsterdam.")


def test_when_asks_for_a_time_only_when_it_asks() -> None:
    from assistant.extractive import answer_kinds

    assert answer_kinds("When is chat available?") and answer_kinds("and when do invoices go?")
    assert not answer_kinds("can we get notified when there's an incident?")
    # "limit" asks for a number when the question asks what it is.
    assert answer_kinds("What's the API rate limit on Growth?")
    assert not answer_kinds("is the limit per API key or per workspace?")


def test_an_faq_entry_not_answering_as_asked_gives_way_to_a_part_that_does() -> None:
    status = passage(
        "**Does a Slack outage show on your status page?**\n"
        "We show our side of each integration and mention third-party outages.\n\n"
        "Live service status is published at https://status.acme.io.",
        "Status",
    )
    answer = extractive_answer("where can I see an outage status?", [status])
    assert answer == ["Live service status is published at https://status.acme.io. [1]"]
    # Asked without a kind of answer in mind, the FAQ entry matching the question answers.
    assert extractive_answer("does a Slack outage show on the status page?", [status]) == [
        "We show our side of each integration and mention third-party outages. [1]"
    ]


def test_a_step_naming_a_button_that_asks_is_still_a_step() -> None:
    reset = passage(
        "1. On the sign-in page, click **Forgot password?**\n"
        "2. Enter your work email address.\n3. Open the reset link.",
        "Forgotten password",
    )
    assert extractive_answer("How do I reset my password?", [reset]) == [
        "1. On the sign-in page, click **Forgot password?**\n"
        "2. Enter your work email address.\n3. Open the reset link. [1]"
    ]


def test_a_question_asked_for_effect_is_no_answer() -> None:
    login = Passage(
        id="l", text="Can't sign in to Brightloop? This article covers passwords and 2FA.\n\n"
        "Sign in at app.brightloop.io with your work email address.", source="kb",
        title="Login problems", url=None, section=None, score=1.0, dense=0.5, keyword=1.0,
    )  # fmt: skip
    answer = extractive_answer("can't sign in to brightloop", [login])
    assert answer == ["Sign in at app.brightloop.io with your work email address. [1]"]


TIMELINE = passage(
    "All plans auto-renew at the end of each term, monthly or annual.\n\n"
    "60 days before term end: what happens We send a renewal notice.\n\n"
    "30 days before term end: what happens Cancellation notice deadline. To stop the renewal, "
    "tell us by this date.\n\n"
    "Term end: what happens The plan renews.",
    "Contract renewal",
)


def test_a_table_row_is_quoted_whole_though_it_holds_two_sentences() -> None:
    answer = extractive_answer("by when must we tell you to stop the renewal?", [TIMELINE])
    assert answer[0].startswith("30 days before term end") and "tell us by this date" in answer[0]


def test_what_a_visitor_tells_counts_less_than_what_they_ask() -> None:
    question = (
        "Our annual contract ends in December and we won't continue. What's the latest we can "
        "tell you so we don't get auto-renewed?"
    )
    assert "30 days" in " ".join(extractive_answer(question, [TIMELINE]))


def test_a_question_naming_only_the_page_gets_the_pages_own_opening() -> None:
    def about(section: str, text: str) -> Passage:
        return Passage(
            id=section, text=text, source="kb", title="About Acme", url=None, section=section,
            score=1.0, dense=0.5, keyword=1.0,
        )  # fmt: skip

    sites = about("About Acme > Find your way", "acme.io: what you'll find Product information.")
    opening = about("About Acme", "Acme is a workflow platform for B2B teams.")
    assert extractive_answer("what does Acme do?", [sites, opening]) == [
        "Acme is a workflow platform for B2B teams. [2]"
    ]


def test_how_do_i_is_answered_by_an_instruction_as_well_as_by_steps() -> None:
    billing = passage(
        "**Is there a free trial?**\nYes. You get 14 days and no credit card is required.\n\n"
        "We accept Visa and Mastercard. To update your card, go to **Settings → Billing** and "
        "click **Update card**. Cards are charged on the first day of each month.",
        "Billing",
    )
    answer = " ".join(extractive_answer("How do I change the credit card on file?", [billing]))
    assert "Update card" in answer and "free trial" not in answer


TWO_FACTOR = passage(
    "If your codes are rejected, turn on automatic date and time on your phone.\n\n"
    "- If you saved recovery codes, click **Use a recovery code** on the sign-in page.\n\n"
    "**If you're an Owner**, you can't reset your own 2FA through another user. Contact "
    "support:\n\n1. Email support from the Owner's address.\n2. We verify your identity.",
    "Two-factor authentication",
)


def test_steps_led_in_by_a_paragraph_come_with_it() -> None:
    answer = " ".join(extractive_answer("I'm an owner and lost my 2FA phone", [TWO_FACTOR]))
    assert "If you're an Owner" in answer and "We verify your identity" in answer


def test_what_was_just_said_is_not_said_again() -> None:
    first = extractive_answer("my 2FA codes are rejected", [TWO_FACTOR])
    assert "automatic date and time" in first[0]
    again = extractive_answer("my 2FA codes are rejected", [TWO_FACTOR], said=" ".join(first))
    assert again and "automatic date and time" not in " ".join(again)


def test_the_entry_about_what_is_asked_answers() -> None:
    roles = passage(
        "Invite and remove users: owner ✓; admin ✓; builder –; member –.\n"
        "Submit forms: owner ✓; admin ✓; builder ✓; member ✓.\n\n"
        "- **Owner:** full control, including billing.\n"
        "- **Builder:** designs forms and workflows, and publishes them.\n"
        "- **Member:** takes part in processes and fills in forms.",
        "Users and roles",
    )
    answer = " ".join(extractive_answer("whats the diff between a builder and a member", [roles]))
    assert "designs forms" in answer and "takes part" in answer and "✓" not in answer


def test_the_part_naming_what_the_visitor_names_is_preferred() -> None:
    slack = passage(
        "1. Go to **Settings → Integrations → Slack** and click **Connect**.\n"
        "2. A Slack admin may need to approve the app.",
        "Connecting Slack",
    )
    teams = passage(
        "1. Go to **Settings → Integrations → Microsoft Teams** and click **Connect**.\n"
        "2. A Microsoft 365 admin may need to grant consent.",
        "Connecting Microsoft Teams",
    )
    answer = extractive_answer(
        "trying to connect Teams and it needs admin approval??", [slack, teams]
    )
    assert "grant consent" in " ".join(answer)


def test_a_yes_or_no_does_not_answer_a_question_of_how_long() -> None:
    trial = passage(
        "**Can I extend my trial more than once?**\nNo. The trial can be extended once, by 7 days."
        "\n\nYou can extend your trial once by 7 days, giving you up to 21 days in total.",
        "Free trial",
    )
    answer = " ".join(extractive_answer("how long does the trial last?", [trial]))
    assert "21 days" in answer and "No." not in answer
    # Asked as a yes or no, it is answered so.
    again = " ".join(extractive_answer("Can I extend my trial more than once?", [trial]))
    assert again.startswith("**Can I extend my trial more than once?**\nNo.")


def test_the_error_code_a_visitor_quotes_is_looked_for_in_every_passage() -> None:
    zapier = passage(
        "- **Zapier errors with 429:** your workspace has hit its API rate limit.\n"
        "- **Zap turned off:** turn the Zap on again in Zapier.",
        "Troubleshooting integrations",
    )
    webhooks = passage("Webhooks are retried 5 times over about 1 hour.", "Webhooks")
    errors = passage(
        "400: meaning The request is malformed.\n401: meaning The API key is missing, invalid or "
        "revoked.\n429: meaning Too many requests.",
        "API errors",
    )
    answer = " ".join(
        extractive_answer("my zap keeps failing with a 401", [zapier, webhooks, errors])
    )
    assert "API key is missing" in answer and "429" not in answer
    # A count is no error: "only getting 100 results" is answered from the best passages.
    pages = passage("Use the `limit` parameter: at most **100** a page; follow `next_cursor`.")
    answer = " ".join(extractive_answer("only getting 100 results, next page?", [pages, errors]))
    assert "next_cursor" in answer
