"""A question in German, French, Dutch or Spanish searched in an English knowledge base: its
help-centre words looked up in a small dictionary (no model, no download), the rest dropped,
names kept. The English embedder cannot compare the languages; the words it is given can."""

from __future__ import annotations

import re

from journey.text import sentences

# Help-centre words of each language and their English; several words may share one.
_WORDS: dict[str, dict[str, str]] = {
    "de": {
        "verschlüsselt": "encrypted", "verschlüsselung": "encryption", "ruhe": "rest",
        "übertragung": "transit", "gespräch": "call", "buchen": "book", "onboarding": "onboarding",
        "verfügbar": "available",
        "ausprobieren": "try test", "wochenende": "weekend", "wochenenden": "weekends",
        "antwort": "response", "antworten": "respond response", "chat": "chat",
        "e-mail": "email", "liste": "list", "unterauftragsverarbeiter": "subprocessors",
        "migrieren": "migrate migration", "umziehen": "move migration", "region": "region",
        "verschieben": "move", "vorhandenen": "existing", "bestehenden": "existing",
        "erzwingen": "enforce", "genehmigung": "approval", "genehmigen": "approve",
        "bericht": "report", "kauf": "purchase", "kaufen": "buy", "bekommen": "get",
        "währung": "currency", "pfund": "GBP", "euro": "EUR", "dollar": "USD",
        "bestellnummer": "purchase order", "handy": "mobile phone", "app": "app",
        "benachrichtigung": "notification", "benachrichtigungen": "notifications",
        "rolle": "role", "rollen": "roles", "besitzer": "owner", "administrator": "admin",
        "arbeitsbereich": "workspace", "limit": "limit", "grenze": "limit", "anfragen": "requests",
        "fragebogen": "questionnaire", "kündigungsfrist": "cancellation notice",
        "verlängerung": "renewal", "testen": "test", "zugang": "access", "schlüssel": "key",
        "fehlermeldung": "error message", "warten": "wait", "erneut": "retry",
        "abo": "subscription", "abonnement": "subscription", "kündigen": "cancel",
        "kündigung": "cancel", "daten": "data", "gelöscht": "deleted", "löschen": "delete",
        "exportieren": "export", "rechnung": "invoice", "rechnungen": "invoices",
        "zahlung": "payment", "bezahlen": "pay", "preis": "price", "preise": "prices",
        "kosten": "cost", "kostet": "cost", "tarif": "plan", "plan": "plan", "testphase": "trial",
        "testversion": "trial", "kostenlos": "free", "verlängern": "extend", "nutzer": "users",
        "benutzer": "users", "einladen": "invite", "passwort": "password", "anmelden": "sign in",
        "anmeldung": "login", "störung": "incident outage status", "störungen": "incidents",
        "ausfall": "outage", "status": "status", "sehen": "see", "gerade": "current",
        "support": "support", "kontakt": "contact", "erstattung": "refund", "geld": "money",
        "zurück": "back", "vertrag": "contract", "sicherheit": "security",
        "integration": "integration",
        "integrationen": "integrations", "sitz": "based headquarters", "büro": "office",
        "firma": "company", "gegründet": "founded", "sprache": "language", "fehler": "error",
        "langsam": "slow", "sprachen": "languages", "telefon": "phone", "zeiten": "hours",
        "öffnungszeiten": "support hours", "wann": "when", "wie": "how", "wo": "where",
        "herunterladen": "download", "ändern": "change", "einrichten": "set up",
        "lange": "long", "dauert": "last", "wer": "who", "viel": "much", "wieviel": "how much",
    },
    "fr": {
        "chiffrées": "encrypted", "chiffrés": "encrypted", "chiffré": "encrypted",
        "chiffrement": "encryption", "repos": "rest", "transit": "transit", "appel": "call",
        "réserver": "book", "planifier": "book",
        "disponible": "available",
        "sous-traitants": "subprocessors", "sous-traitant": "subprocessor", "liste": "list",
        "trouver": "find", "migrer": "migrate migration", "migration": "migration",
        "région": "region", "ue": "EU", "espace": "workspace", "existant": "existing",
        "déplacer": "move", "week-end": "weekend", "réponse": "response",
        "répondre": "respond response", "chat": "chat", "e-mail": "email", "courriel": "email",
        "imposer": "enforce", "approbation": "approval", "approuver": "approve",
        "livres": "GBP", "sterling": "GBP", "euros": "EUR", "dollars": "USD",
        "devise": "currency", "facturés": "invoiced", "facturer": "invoice", "numéro": "number",
        "commande": "purchase order", "achats": "purchasing", "rapport": "report",
        "obtenir": "get", "questionnaire": "questionnaire", "application": "app",
        "mobile": "mobile", "notifications": "notifications", "rôle": "role",
        "propriétaire": "owner", "administrateur": "admin", "limite": "limit",
        "requêtes": "requests", "clé": "key", "attendre": "wait", "réessayer": "retry",
        "en-tête": "header", "erreurs": "errors", "renouvellement": "renewal",
        "préavis": "notice", "tester": "test",
        "abonnement": "subscription", "résilier": "cancel", "résilions": "cancel",
        "résiliation": "cancellation", "annuler": "cancel", "données": "data",
        "supprimées": "deleted", "supprimer": "delete", "suppression": "deletion",
        "délai": "how long after", "exporter": "export", "facture": "invoice",
        "factures": "invoices", "paiement": "payment", "payer": "pay", "prix": "price",
        "tarif": "price", "tarifs": "prices", "coût": "cost", "essai": "trial",
        "gratuit": "free", "gratuite": "free", "prolonger": "extend", "utilisateurs": "users",
        "inviter": "invite", "mot": "password", "passe": "password", "connexion": "login",
        "panne": "outage incident status", "incident": "incident", "statut": "status",
        "remboursement": "refund", "rembourser": "refund", "contrat": "contract",
        "sécurité": "security", "intégration": "integration", "intégrations": "integrations",
        "siège": "headquarters based", "bureau": "office", "bureaux": "offices",
        "entreprise": "company", "société": "company", "fondée": "founded", "erreur": "error",
        "lent": "slow", "téléphone": "phone", "horaires": "support hours", "quand": "when",
        "comment": "how", "où": "where", "compte": "account", "équipe": "team",
        "télécharger": "download", "modifier": "change", "configurer": "set up",
        "combien": "how much", "durée": "how long", "dure": "last", "qui": "who",
    },
    "nl": {
        "versleuteld": "encrypted", "versleuteling": "encryption", "rust": "rest",
        "gesprek": "call", "inplannen": "book", "plan": "plan", "onboarding": "onboarding",
        "vragenlijsten": "questionnaires",
        "beschikbaar": "available",
        "subverwerkers": "subprocessors", "lijst": "list", "vinden": "find",
        "migreren": "migrate migration", "regio": "region", "verhuizen": "move migration",
        "bestaande": "existing", "weekend": "weekend", "antwoord": "response",
        "reactie": "response", "reageren": "respond response", "chat": "chat",
        "e-mail": "email", "afdwingen": "enforce", "goedkeuring": "approval",
        "goedkeuren": "approve",
        "rapport": "report", "krijgen": "get", "valuta": "currency", "pond": "GBP",
        "euro": "EUR", "factureren": "invoice", "inkoopordernummer": "purchase order",
        "bestelnummer": "purchase order", "app": "app", "melding": "notification",
        "meldingen": "notifications", "rol": "role", "eigenaar": "owner", "beheerder": "admin",
        "werkruimte": "workspace", "limiet": "limit", "verzoeken": "requests",
        "sleutel": "key", "wachten": "wait", "opnieuw": "retry", "foutmelding": "error",
        "verlenging": "renewal", "opzegtermijn": "notice", "vragenlijst": "questionnaire",
        "testen": "test",
        "abonnement": "subscription", "opzeggen": "cancel", "gegevens": "data",
        "verwijderd": "deleted", "verwijderen": "delete", "exporteren": "export",
        "factuur": "invoice", "facturen": "invoices", "betaling": "payment", "betalen": "pay",
        "prijs": "price", "prijzen": "prices", "kosten": "cost", "kost": "cost",
        "proefperiode": "trial", "gratis": "free", "verlengen": "extend",
        "gebruikers": "users", "uitnodigen": "invite", "wachtwoord": "password",
        "inloggen": "login", "storing": "incident outage status", "status": "status",
        "terugbetaling": "refund", "contract": "contract", "beveiliging": "security",
        "integratie": "integration", "integraties": "integrations", "gevestigd": "based",
        "kantoor": "office", "kantoren": "offices", "bedrijf": "company",
        "opgericht": "founded", "amerika": "US", "fout": "error", "traag": "slow",
        "telefoon": "phone", "openingstijden": "support hours", "wanneer": "when",
        "hoe": "how", "waar": "where", "account": "account", "downloaden": "download",
        "wijzigen": "change", "instellen": "set up",
        "lang": "long", "duurt": "last", "wie": "who", "hoeveel": "how much",
    },
    "es": {
        "cifrados": "encrypted", "cifrado": "encrypted", "cifrada": "encrypted",
        "reposo": "rest", "tránsito": "transit",
        "llamada": "call", "reservar": "book",
        "fines": "weekends", "disponible": "available",
        "soporte": "support", "responder": "respond response", "respuesta": "response",
        "correo": "email", "email": "email", "chat": "chat", "semana": "week",
        "subencargados": "subprocessors", "subprocesadores": "subprocessors", "lista": "list",
        "encontrar": "find", "migrar": "migrate migration", "región": "region",
        "existente": "existing", "mover": "move", "forzar": "enforce",
        "aprobación": "approval", "aprobar": "approve",
        "cabecera": "header", "encabezado": "header", "esperar": "wait",
        "reintentar": "retry", "errores": "errors", "informe": "report", "obtener": "get",
        "moneda": "currency", "libras": "GBP", "euros": "EUR", "facturar": "invoice",
        "pedido": "purchase order", "compra": "purchase", "aplicación": "app",
        "móvil": "mobile", "notificaciones": "notifications", "rol": "role",
        "propietario": "owner", "administrador": "admin", "límite": "limit",
        "solicitudes": "requests", "clave": "key", "renovación": "renewal", "aviso": "notice",
        "cuestionario": "questionnaire", "probar": "test",
        "suscripción": "subscription", "cancelar": "cancel", "datos": "data",
        "eliminados": "deleted", "borrar": "delete", "eliminar": "delete",
        "exportar": "export", "factura": "invoice", "facturas": "invoices", "pago": "payment",
        "pagar": "pay", "precio": "price", "precios": "prices", "coste": "cost",
        "cuesta": "cost", "prueba": "trial", "gratuita": "free", "gratis": "free",
        "ampliar": "extend", "extender": "extend", "usuarios": "users", "invitar": "invite",
        "contraseña": "password", "iniciar": "sign in", "caída": "outage incident status",
        "incidencia": "incident", "estado": "status", "reembolso": "refund",
        "contrato": "contract", "seguridad": "security", "integración": "integration",
        "integraciones": "integrations", "sede": "headquarters based", "oficina": "office",
        "empresa": "company", "fundada": "founded", "error": "error", "lento": "slow",
        "teléfono": "phone", "horario": "support hours", "cuándo": "when", "cómo": "how",
        "dónde": "where", "contratamos": "buy", "contratar": "buy", "plan": "plan",
        "tiempo": "time", "evaluarlo": "evaluate", "pasa": "happens", "cuenta": "account",
        "descargar": "download", "cambiar": "change", "configurar": "set up",
        "cuánto": "how much", "cuánta": "how much", "dura": "last", "quién": "who",
    },
}  # fmt: skip
LANGUAGES = tuple(_WORDS)
_WORD = re.compile(r"[\w'-]+", re.UNICODE)


def to_english(text: str, language: str) -> str | None:
    """The question's help-centre words in English, with the names and numbers it holds
    (capitalised or all-caps words: products, plans, acronyms; "429"); None when nothing could
    be carried over."""
    words = _WORDS.get(language)
    if not words:
        return None
    carried: list[str] = []
    for sentence in sentences(text):
        for position, whole in enumerate(_WORD.findall(sentence)):
            # A compound is looked up whole, else by its parts: written apart ("IT-Sicherheit":
            # IT, security) or together ("Sicherheitsfragebogen": security, questionnaire).
            found = words.get(whole.casefold())
            if found:
                parts = [whole]
            elif "-" in whole:
                parts = whole.split("-")
            else:
                parts = _compound(whole.casefold(), words) or [whole]
            for place, word in enumerate(parts, start=position):
                english = words.get(word.casefold())
                if english:
                    carried.append(english)
                elif word.isdigit() or (place and word[:1].isupper() and len(word) > 1):
                    carried.append(word)  # a name or number: Brightloop, Okta, SSO, 429
    return " ".join(carried) or None


MIN_PART = 4  # letters of each word of a compound ("onboardinggesprek": onboarding, gesprek)


def _compound(word: str, known: dict[str, str]) -> list[str] | None:
    """Two known words written as one, the first perhaps with a linking "s", "e" or "en"
    ("Sicherheits|fragebogen", "onboarding|gesprek"); None when there are not."""
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if tail not in known:
            continue
        for link in ("", "s", "e", "en"):
            if head.endswith(link) and head.removesuffix(link) in known:
                return [head.removesuffix(link), tail]
    return None


_FROM_ENGLISH = {
    "de": "Aus unserem englischsprachigen Hilfe-Center:",
    "fr": "D'après notre centre d'aide en anglais :",
    "nl": "Uit ons Engelstalige helpcentrum:",
    "es": "Según nuestro centro de ayuda en inglés:",
}


def quoted_in_english(language: str) -> str | None:
    """The words that say, in the visitor's language, that the answer is quoted from English."""
    return _FROM_ENGLISH.get(language)
