import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.intent import (
    continues_conversation,
    handoff_request,
    small_talk,
)
from assistant.service import ConversationService
from journey.models import JourneyEvent
from journey.stages import guess_stage
from journey.vocabulary import Vocabulary


@pytest.mark.parametrize(
    ("text", "page", "known", "stage"),
    [
        (
            "How much is the Growth plan?",
            "https://www.brightloop.io/pricing",
            None,
            "consideration",
        ),
        ("Can I get a quote for 80 seats?", None, None, "decision"),
        ("How do I set up SSO with Okta?", None, "onboarding", "onboarding"),
        # A prospect asking how-to questions is still evaluating.
        ("How do I set up SSO with Okta?", None, None, "consideration"),
        # A customer asking about plans is an expansion (retention) question.
        ("What does the Enterprise plan cost?", None, "adoption", "retention"),
        ("I want to cancel our contract", None, "adoption", "retention"),
        # Due diligence before buying, on any page.
        (
            "where's your list of subprocessors?",
            "https://help.x.io/articles/gdpr",
            None,
            "decision",
        ),
        ("Are you HIPAA compliant?", None, None, "decision"),
        # Something broke while using it, and trying it out is evaluating it.
        (
            "users are stuck in a redirect loop after we switched SSO on",
            "https://help.x.io/articles/sso",
            None,
            "adoption",
        ),
        (
            "We're on the trial: can we test SCIM?",
            "https://help.x.io/articles/t",
            None,
            "consideration",
        ),
        # Which plan has a feature is a comparison; what the product is, awareness.
        (
            "Is SSO included in the Growth plan?",
            "https://help.x.io/articles/sso",
            None,
            "consideration",
        ),
        ("what does Acme actually do?", "https://help.x.io/articles/a", None, "awareness"),
        # A customer's anger at a price increase is about keeping them.
        ("you hit us with a 25% increase, I'm really annoyed", None, None, "retention"),
        ("hello there", "https://help.brightloop.io/articles/x", None, "adoption"),
        ("hello there", None, "advocacy", "advocacy"),
        # On the help centre the visitor is a customer: how-tos are adoption, set-ups onboarding.
        ("where do i create an api key", "https://help.x.io/articles/api", None, "adoption"),
        (
            "We're setting up SSO with Entra ID",
            "https://help.x.io/articles/sso",
            None,
            "onboarding",
        ),
        ("Our SAML login fails with an error", "https://help.x.io/articles/sso", None, "adoption"),
        (
            "Where do I download our invoices?",
            "https://help.x.io/articles/billing",
            None,
            "retention",
        ),
        ("Do you have a referral programme?", None, None, "advocacy"),
        ("When was the company founded?", "https://www.x.io/about", None, "awareness"),
        ("Does the Starter plan come with single sign-on?", None, None, "consideration"),
        # What visitors say of where they are decides over what they ask about.
        (
            "before we sign: can you put our PO number on every invoice?",
            "https://help.x.io/articles/billing",
            None,
            "decision",
        ),
        ("we're evaluating it. does it connect to HubSpot?", None, None, "consideration"),
        ("our term ends in December, can we go to fewer seats?", None, None, "retention"),
        ("clients never receive our invite emails", None, "onboarding", "adoption"),
        ("where can I leave you a review?", None, None, "advocacy"),
    ],
)
def test_guess_stage(text: str, page: str | None, known: str | None, stage: str) -> None:
    assert guess_stage(text, page, known, Vocabulary().stage_order) == stage


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hi!", "greeting"),
        ("hi there", "greeting"),
        ("Hi! Can you help me?", "greeting"),
        ("Good morning! 🙂", "greeting"),
        ("Hallo zusammen", "greeting"),
        ("¡Hola!", "greeting"),
        ("thanks a lot", "thanks"),
        ("perfect, thank you so much!!", "thanks"),
        ("merci beaucoup !", "thanks"),
        ("vielen Dank", "thanks"),
        ("ok cool, thx, bye!", "bye"),
        ("tot ziens", "bye"),
        ("are you a bot?", "identity"),
        ("Hi, am I talking to a real person?", "identity"),
        # Asking what the assistant is, not asking for a person.
        ("r u a bot or a real person?", "identity"),
        ("hi there, am I chatting with a real human or a bot?", "identity"),
        ("brilliant, cheers!", "thanks"),
        ("lovely, that's exactly what I needed, thanks", "thanks"),
        ("who am I talking to?", "identity"),
        ("is this automated?", "identity"),
        ("hi, anyone here?", "greeting"),
        ("good morning team", "greeting"),
        ("thanks so much for your help!", "thanks"),
        ("much appreciated", "thanks"),
        ("Vielen Dank für die Hilfe!", "thanks"),
        ("Muchas gracias por la ayuda", "thanks"),
        ("dank je wel", "thanks"),
        ("nope, that's all", "bye"),
        ("ok thank you, have a great day", "bye"),
        ("take care", "bye"),
        ("later this year we want to buy 10 seats", None),
        ("all good, but how do I add users?", None),
        ("Hi, how do I reset my password?", None),
        ("thanks, but the export still fails when I include attachments", None),
        ("Good morning, is SSO included in Growth?", None),
    ],
)
def test_small_talk(text: str, kind: str | None) -> None:
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Can I talk to a human?", "customer_request"),
        ("I'd rather speak to an actual person, can you connect me?", "customer_request"),
        ("We're 300 people; can your sales team send us a proposal?", "sales_opportunity"),
        ("Can I get a quote for 80 seats?", "sales_opportunity"),
        ("Could you do Growth at €35 per user if we sign this week?", "policy_restriction"),
        ("Can't you make an exception and refund us anyway?", "policy_restriction"),
        ("come on, just refund those as a goodwill gesture", "policy_restriction"),
        ("This is a joke. We're thinking about cancelling our subscription.", "negative_sentiment"),
        ("Do you offer discounts for annual billing?", None),
        ("we'd be around 15 users, which plan fits?", None),
        ("Rolling it out to 1,200 employees next year", "sales_opportunity"),
        ("How do humans use it?", None),
        ("Can Brightloop talk to Salesforce?", None),
        ("How do I cancel a scheduled export?", None),
        # Asking how cancelling works is a question for the policy, saying so is leaving.
        ("if i cancel today, do we get the rest of the month back?", None),
        ("How do we cancel our subscription?", None),
        ("We're cancelling our subscription.", "negative_sentiment"),
        # Leaving calmly, with a question of its own: the question is answered.
        ("We're cancelling our subscription. How do I export the data?", None),
        ("we're not renewing. Will you delete our data?", None),
        # A buying process a question mentions asks for an answer; with a big team, sales.
        ("our procurement needs the PO number on every invoice. possible?", None),
        ("Procurement for our 400 users starts next week, who do we talk to?", "sales_opportunity"),
        ("tbh I'd rather have a call. can you get me a person?", "customer_request"),
        ("Prefiero hablar con una persona, ¿me podéis pasar con alguien?", "customer_request"),
        ("Kann ich bitte mit einem Menschen sprechen?", "customer_request"),
        ("Je voudrais parler à quelqu'un de votre équipe.", "customer_request"),
        ("Kan ik met iemand spreken?", "customer_request"),
        ("Feels like a bait and switch, I'm really annoyed.", "negative_sentiment"),
        ("What are your support team's hours?", None),
    ],
)
def test_handoff_requests(text: str, reason: str | None) -> None:
    assert handoff_request(text) == reason


def test_replies_and_continuations_are_told_from_new_questions() -> None:
    for text in (
        "yes",
        "No, I haven't.",
        "and for Enterprise?",
        "What about refunds?",
        "ok",
        "Actually, yes. Tell me more about it, please.",
        "yea give me an example",
        "what else?",
    ):
        assert continues_conversation(text), text
    for text in (
        "How do I set up SSO?",
        "Who painted the Mona Lisa?",
        "Yesterday it failed",
        "Actually, how do I set up SSO?",
        "Well-known integrations?",
    ):
        assert not continues_conversation(text), text
    assert not continues_conversation("yes " + "and more words " * 10)


def test_a_vocabulary_without_a_stage_never_gets_it_guessed(session: Session) -> None:
    vocabulary = Vocabulary(stages=[s for s in Vocabulary().stages if s.key != "retention"])
    chats = ConversationService(session, vocabulary)
    conversation = chats.start(visitor_id="renewing", page_url="https://www.brightloop.io/pricing")
    chats.receive(conversation.id, "How do I cancel our renewal?")  # a 422 before
    stages = session.scalars(
        select(JourneyEvent.stage).where(JourneyEvent.subject_id == conversation.id)
    ).all()
    assert stages and "retention" not in stages


def test_help_centre_words_are_carried_into_english() -> None:
    from assistant.translation import to_english

    assert to_english("¿Puedo ampliar mi prueba gratuita?", "es") == "extend trial free"
    assert to_english("Wo kann ich sehen, ob es eine Störung gibt?", "de") == (
        "where see incident outage status"
    )
    assert to_english("Waar is Brightloop gevestigd?", "nl") == "where Brightloop based"
    assert to_english("hello", "en") is None and to_english("xyz qrs", "fr") is None
    # A compound by its parts, and numbers kept.
    assert to_english("Können wir den SOC-2-Bericht bekommen?", "de") == "SOC 2 report get"
    assert to_english("Recibimos errores 429.", "es") == "errors 429"
    # Two words written as one, with a linking letter or none.
    assert to_english("Füllt ihr unseren Sicherheitsfragebogen aus?", "de") == (
        "security questionnaire"
    )
    assert to_english("Hoe plan ik ons onboardinggesprek in?", "nl") == "how plan onboarding call"
    assert to_english("Où trouver la liste de vos sous-traitants ?", "fr") == (
        "where find list subprocessors"
    )
    assert to_english("¿El chat está disponible los fines de semana?", "es") == (
        "chat available weekends week"
    )


def test_german_nouns_are_no_names_but_its_acronyms_are() -> None:
    from assistant.intent import names_asked_about

    asked = "Können wir den SOC-2-Bericht für unsere IT-Sicherheit bekommen?"
    assert names_asked_about(asked, "de") == ["SOC", "IT"]
    assert names_asked_about("Kann ich den Bericht sehen?", "de") == []
    assert names_asked_about("Ist es wie Monday.com?", "de") == ["Monday.com"]


def test_asking_for_something_else_points_back() -> None:
    from assistant.intent import asks_for_another, points_back

    for text in ("is there anything faster?", "any other way?", "what else can I try?"):
        assert asks_for_another(text) and points_back(text)
    assert not asks_for_another("is the API faster than Zapier?")


def test_how_a_visitor_wants_it_said_is_not_what_they_ask() -> None:
    from assistant.intent import without_manner

    assert without_manner("lol so what does it do, in plain english?") == "so what does it do, ?"
    assert without_manner("Is English supported?") == "Is English supported?"


def test_tools_called_by_a_nickname_are_called_by_their_names() -> None:
    from assistant.intent import by_full_names

    assert by_full_names("field updates back to SF fail, SFDC sandbox, MS Teams") == (
        "field updates back to Salesforce fail, Salesforce sandbox, Microsoft Teams"
    )
    assert by_full_names("SFTP and HS-256") == "SFTP and HS-256"


def test_a_short_question_of_its_own_is_told_from_a_fragment() -> None:
    from assistant.intent import asks

    assert asks("What are the plans?") and asks("Is SSO included?")
    assert not asks("pricing?") and not asks("and the Name ID?")


def test_names_are_web_addresses_and_capitalised_words_inside_a_sentence() -> None:
    from assistant.intent import names

    assert names("how does that compare to monday.com pricing?") == ["monday.com"]
    assert names("What's the difference between SAML and OpenID? Thanks") == ["SAML", "OpenID"]
    assert names("I'm on Growth. Can I use Okta?") == ["Growth", "Okta"]
    assert names("We send from onboarding@acme-legal.com, is that a problem?") == []


def test_only_the_sentences_that_ask_name_what_is_asked_about() -> None:
    from assistant.intent import names_asked_about

    told = "I'm leaving, so I'll hand over to my colleague Priya. How do I transfer ownership?"
    assert names_asked_about(told) == []
    assert names_asked_about("We use Pipedrive. Do you integrate with Pipedrive?") == ["Pipedrive"]
    assert names_asked_about("Support for OpenID Connect") == ["OpenID", "Connect"]


def test_a_message_asking_two_things_is_two_questions() -> None:
    from assistant.intent import questions

    two = "Hi! We're a small agency. How long is the trial, and do you need my credit card?"
    assert questions(two) == ["How long is the trial", "do you need my credit card?"]
    assert questions("Where is Brightloop based? And do you have a US office?") == [
        "Where is Brightloop based?",
        "And do you have a US office?",
    ]
    # With no question mark, and a second question of one word more than its question word.
    assert questions("whats the base url for your rest api and how do i auth") == [
        "whats the base url for your rest api",
        "how do i auth",
    ]
    # One question, or a second too short to be asked alone, stays whole.
    for one in ("Is there a free trial?", "How do I export data? And why?"):
        assert questions(one) == [one]


def test_and_for_another_name_asks_the_last_question_again() -> None:
    from assistant.intent import asked_of_another_name

    earlier = ["What's the first-response time for email support on Growth?"]
    assert asked_of_another_name("and for Enterprise?", earlier) == (
        "What's the first-response time for email support on Enterprise?"
    )
    # A run of capitalised words is one name; a follow-up of the same form is looked past.
    entra = ["What goes in the Identifier (Entity ID) field?", "And the Reply URL?"]
    assert asked_of_another_name("and the Name ID?", entra) == (
        "What goes in the Identifier (Name ID) field?"
    )
    assert asked_of_another_name("what about refunds?", earlier) is None  # not a name
    assert asked_of_another_name("and for Enterprise?", ["how do refunds work?"]) is None


def test_a_capitalised_describing_word_names_a_plan() -> None:
    from assistant.intent import named_kinds

    assert named_kinds("whats included in the Team plan?") == [("Team", "plan")]
    assert named_kinds("is our team plan billed monthly?") == []
    assert named_kinds("Team plan price?") == []  # a capital only because it starts


def test_plans_a_question_names() -> None:
    from assistant.intent import named_kinds

    assert named_kinds("How much is the Plus plan?") == [("Plus", "plan")]
    assert named_kinds("what does the premium tier include") == [("premium", "tier")]
    # "ningún plan" (no plan at all): a Spanish question with its help-centre words in English.
    for describing in (
        "Which plan fits us?",
        "Can I change my paid plan?",
        "the annual plan",
        "what happens to my data if we do not take ningún plan?",
        "und wenn wir keinen Plan nehmen?",
        # "Hoe plan ik ons onboardinggesprek in?" (how do I book our call?) in English words.
        "how plan onboarding call",
    ):
        assert named_kinds(describing) == [], describing


def test_an_acronym_with_an_english_ending_is_the_acronym() -> None:
    from assistant.intent import names

    assert names("also POSTing a run with two PDFs gives me a 413") == ["POST", "PDF"]
    # Job titles are who a visitor works with.
    assert names("our DPO and my CFO want written proof from Okta") == ["Okta"]


def test_a_name_with_digits_is_one_word() -> None:
    from assistant.intent import names

    # "2FA" is a name as written; its letters alone ("FA") are not a word of the question.
    assert names("How do I reset my 2FA?") == ["2FA"]
    assert names("Is the 2026 price final?") == []


def test_letters_and_capitalised_small_words_are_no_names() -> None:
    from assistant.intent import handoff_request, names

    assert names("Can I change from a Class D to a Class E license?") == ["Class"]
    assert names("Look, If somebody needs information about How to renew?") == []
    # Asking about a benefit called compensation is no demand for compensation.
    assert handoff_request("what is VA disability compensation?") is None
    assert handoff_request("We expect compensation for the outage.") == "negative_sentiment"
