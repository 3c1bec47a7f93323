"""What the assistant says in its own words (not quoted from the knowledge), in the languages the
companies it serves support; anything else gets English."""

from __future__ import annotations

REPLIES: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hello! I'm the assistant of {company}. What would you like to know?",
        "de": "Hallo! Ich bin der Assistent von {company}. Was möchten Sie wissen?",
        "fr": "Bonjour ! Je suis l'assistant de {company}. Que souhaitez-vous savoir ?",
        "nl": "Hallo! Ik ben de assistent van {company}. Wat wilt u weten?",
        "es": "¡Hola! Soy el asistente de {company}. ¿Qué le gustaría saber?",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "de": "Gern geschehen! Kann ich sonst noch helfen?",
        "fr": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
        "nl": "Graag gedaan! Kan ik nog ergens anders mee helpen?",
        "es": "¡De nada! ¿Puedo ayudarle en algo más?",
    },
    "bye": {
        "en": "Thanks for chatting. Have a good day!",
        "de": "Danke für das Gespräch. Einen schönen Tag noch!",
        "fr": "Merci pour cet échange. Bonne journée !",
        "nl": "Bedankt voor het gesprek. Een fijne dag nog!",
        "es": "Gracias por la conversación. ¡Que tenga un buen día!",
    },
    "identity": {
        "en": "I'm the virtual assistant of {company}: I answer from our help centre and can "
        "bring in a person from our team whenever you like.",
        "de": "Ich bin der virtuelle Assistent von {company}: Ich antworte aus unserem "
        "Hilfe-Center und hole gern jederzeit eine Person aus unserem Team dazu.",
        "fr": "Je suis l'assistant virtuel de {company} : je réponds à partir de notre centre "
        "d'aide et je peux faire venir une personne de notre équipe quand vous le souhaitez.",
        "nl": "Ik ben de virtuele assistent van {company}: ik antwoord vanuit ons helpcentrum en "
        "kan op elk moment iemand van ons team erbij halen.",
        "es": "Soy el asistente virtual de {company}: respondo con nuestro centro de ayuda y "
        "puedo llamar a una persona de nuestro equipo cuando lo desee.",
    },
    # Said before an answer whose question names a plan (tier, edition) the knowledge does not
    # have; the answer that follows says what there is.
    "no_such": {
        "en": "There is no {name} {kind}.",
        "de": "Einen {kind} „{name}“ gibt es bei uns nicht.",
        "fr": "Il n'existe pas de {kind} « {name} ».",
        "nl": "Een {kind} ‘{name}’ hebben we niet.",
        "es": "No existe ningún {kind} «{name}».",
    },
    "dont_know": {
        "en": "I'm sorry, I don't know the answer to that. Would you like me to connect you "
        "with a person?",
        "de": "Das weiß ich leider nicht. Soll ich Sie mit einer Person aus unserem Team "
        "verbinden?",
        "fr": "Désolé, je ne connais pas la réponse. Voulez-vous que je vous mette en relation "
        "avec une personne de notre équipe ?",
        "nl": "Sorry, daar weet ik het antwoord niet op. Zal ik u doorverbinden met iemand van "
        "ons team?",
        "es": "Lo siento, no sé la respuesta. ¿Quiere que le ponga en contacto con una persona "
        "de nuestro equipo?",
    },
    "not_sure": {
        "en": "I'm not sure enough to answer that correctly, so I'm bringing in a colleague. "
        "They'll reply here.",
        "de": "Da bin ich mir nicht sicher genug, darum hole ich eine Kollegin oder einen "
        "Kollegen dazu. Die Antwort kommt hier.",
        "fr": "Je ne suis pas assez sûr de la réponse, je fais donc venir un collègue. Il vous "
        "répondra ici.",
        "nl": "Ik weet het niet zeker genoeg, dus ik haal een collega erbij. Die antwoordt hier.",
        "es": "No estoy lo bastante seguro para responder bien, así que llamo a un compañero. "
        "Le responderá aquí.",
    },
    "customer_request": {
        "en": "Of course, I'm connecting you with a person from our team. They'll reply here.",
        "de": "Natürlich, ich verbinde Sie mit einer Person aus unserem Team. Die Antwort "
        "kommt hier.",
        "fr": "Bien sûr, je vous mets en relation avec une personne de notre équipe. Elle vous "
        "répondra ici.",
        "nl": "Natuurlijk, ik verbind u door met iemand van ons team. Die antwoordt hier.",
        "es": "Por supuesto, le pongo en contacto con una persona de nuestro equipo. Le "
        "responderá aquí.",
    },
    "missing_knowledge": {
        "en": "I'm bringing in a person from our team who can answer that. They'll reply here.",
        "de": "Ich hole eine Person aus unserem Team dazu, die das beantworten kann. Die "
        "Antwort kommt hier.",
        "fr": "Je fais venir une personne de notre équipe qui pourra vous répondre. Elle vous "
        "répondra ici.",
        "nl": "Ik haal iemand van ons team erbij die dat kan beantwoorden. Die antwoordt hier.",
        "es": "Llamo a una persona de nuestro equipo que pueda responderle. Le responderá aquí.",
    },
    "sales_opportunity": {
        "en": "Thanks, that's one for our sales team: I'm bringing in a colleague from sales, "
        "who will reply here.",
        "de": "Danke, das ist ein Fall für unser Vertriebsteam: Ich hole jemanden aus dem "
        "Vertrieb dazu, die Antwort kommt hier.",
        "fr": "Merci, c'est une question pour notre équipe commerciale : je fais venir un "
        "collègue des ventes, qui vous répondra ici.",
        "nl": "Bedankt, dat is iets voor ons salesteam: ik haal een collega van sales erbij, "
        "die hier antwoordt.",
        "es": "Gracias, eso es para nuestro equipo comercial: llamo a un compañero de ventas, "
        "que le responderá aquí.",
    },
    "negative_sentiment": {
        "en": "I'm sorry this has been so frustrating. I'm bringing in a person from our team "
        "right away; they'll reply here.",
        "de": "Es tut mir leid, dass das so ärgerlich war. Ich hole sofort eine Person aus "
        "unserem Team dazu; die Antwort kommt hier.",
        "fr": "Je suis désolé que ce soit si frustrant. Je fais venir tout de suite une "
        "personne de notre équipe, qui vous répondra ici.",
        "nl": "Het spijt me dat dit zo frustrerend is. Ik haal meteen iemand van ons team erbij; "
        "die antwoordt hier.",
        "es": "Siento mucho que esto haya sido tan frustrante. Llamo ahora mismo a una persona "
        "de nuestro equipo, que le responderá aquí.",
    },
    "policy_restriction": {
        "en": "I can't agree to that in the chat: discounts, exceptions and commitments are "
        "decided by our team. I'm bringing in a colleague who can; they'll reply here.",
        "de": "Das kann ich im Chat nicht zusagen: Über Rabatte, Ausnahmen und Zusagen "
        "entscheidet unser Team. Ich hole jemanden dazu; die Antwort kommt hier.",
        "fr": "Je ne peux pas m'y engager dans le chat : remises, exceptions et engagements "
        "sont décidés par notre équipe. Je fais venir un collègue, qui vous répondra ici.",
        "nl": "Dat kan ik in de chat niet toezeggen: over kortingen, uitzonderingen en "
        "toezeggingen beslist ons team. Ik haal een collega erbij, die hier antwoordt.",
        "es": "No puedo comprometerme a eso en el chat: los descuentos, excepciones y "
        "compromisos los decide nuestro equipo. Llamo a un compañero, que le responderá aquí.",
    },
}


def say(key: str, language: str, company: str = "our company", **slots: str) -> str:
    texts = REPLIES[key]
    return texts.get(language, texts["en"]).format(company=company, **slots)


def offers_person(text: str) -> bool:
    """Whether the assistant's message offered to bring in a person, in any language."""
    return any(text.endswith(offer) for offer in REPLIES["dont_know"].values())


# The replies that close a turn without an answer.
_UNANSWERED = (
    "dont_know",
    "not_sure",
    "customer_request",
    "missing_knowledge",
    "sales_opportunity",
    "negative_sentiment",
    "policy_restriction",
)


def without_closing(text: str) -> str:
    """The assistant's message without the words that close a turn unanswered ("I don't know",
    a hand-off), in any language: what it said of the topic, if anything."""
    for key in _UNANSWERED:
        for closing in REPLIES[key].values():
            if text.endswith(closing):
                return text.removesuffix(closing).strip()
    return text
