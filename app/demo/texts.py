# ruff: noqa: E501
"""Phrase material for the Brightloop demo: names, ticket themes, reviews, surveys and chats.

This module is data, which is why it is long: every pool is a list of interchangeable
sentences that `app.demo.writing` composes into texts. Pools are written per language
(`en`, `de`, `fr`, `es`, `nl`); the English pools are the largest, the others cover every
theme with fewer sentences. `{name}`-style fields are filled from a context built per item;
facts (prices, limits, error messages, menu paths) follow the knowledge base in
`app/demo/knowledge/`.

A block is written as `[part]` headers followed by one phrase per line; `\\n` in a phrase is
a line break. A ticket problem may start with its own subject, `Subject >> sentence`, used
instead of the theme's generic subjects when the two must agree.
"""

from __future__ import annotations

Pool = dict[str, list[str]]

LANGUAGES = ("en", "de", "fr", "es", "nl")


def _pool(block: str) -> Pool:
    pool: Pool = {}
    part = ""
    for raw in block.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            part = line[1:-1]
            pool[part] = []
        else:
            pool[part].append(line.replace("\\n", "\n"))
    return pool


def _words(block: str) -> list[str]:
    # An underscore joins a name that holds a space ("van_den_Berg").
    return [word.replace("_", " ") for word in block.split()]


# -- people and companies ------------------------------------------------------------------

FIRST_NAMES = {
    "en": _words("""Olivia Liam Emma Noah Ava James Sophia Lucas Mia Ethan Harper Mason Amelia
        Logan Ella Jack Grace Henry Chloe Owen Lily Daniel Zoe Ryan Hannah Nathan Priya Arjun
        Megan Kevin Rachel Sean Laura Marcus Nina Tyler Aisha Connor Fiona Derek"""),
    "de": _words("""Lukas Anna Jonas Lea Felix Laura Maximilian Sophie Paul Julia Leon Katharina
        Tobias Johanna Florian Miriam Sebastian Carina Moritz Franziska Stefan Sabine"""),
    "fr": _words("""Camille Louis Manon Hugo Chloé Lucas Léa Thomas Inès Julien Claire Antoine
        Élodie Mathieu Sarah Nicolas Pauline Romain Margaux Vincent"""),
    "es": _words("""Lucía Javier Carmen Alejandro Sofía Pablo Marta Diego Laura Sergio Elena
        Álvaro Paula Daniel Irene Jorge Nuria Raúl"""),
    "nl": _words("""Daan Sanne Lotte Bram Emma Thijs Fleur Jeroen Anouk Ruben Sophie Niels Eva
        Joost Lisa Wouter Femke Maarten Iris Pieter"""),
}

LAST_NAMES = {
    "en": _words("""Smith Johnson Brown Taylor Miller Wilson Moore Clark Walker Hall Young King
        Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips
        Evans Turner Parker Collins Edwards Stewart Murphy Cook Morgan Bell Patel Shah Kelly
        Reid Hughes Foster"""),
    "de": _words("""Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz
        Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Krüger Hartmann Lange Vogel"""),
    "fr": _words("""Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon
        Laurent Lefebvre Michel Garcia Fontaine Rousseau Girard Bonnet Mercier"""),
    "es": _words("""García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez
        Martín Jiménez Ruiz Hernández Díaz Moreno Álvarez Romero Navarro"""),
    "nl": _words("""de_Jong Jansen de_Vries van_den_Berg Bakker Visser Smit Meijer de_Boer Mulder
        de_Groot Bos Vos Peters Hendriks Dekker Brouwer Dijkstra Kok Verhoeven van_Dijk"""),
}

COMPANY_WORDS = _words("""Northwind Kestrel Bluefin Harbor Juniper Granite Lumen Cobalt Meridian
    Alder Summit Beacon Copperleaf Driftwood Evergreen Falcon Foxglove Halcyon Ironbark Larkspur
    Maple Nimbus Oakridge Orchard Pinecrest Quarry Redwood Saffron Silverline Solstice Stonebridge
    Tidewater Trillium Vantage Westbrook Willow Zephyr Arbor Brightwater Cedar Clearpath Crescent
    Everline Fairway Greyhawk Highgate Keystone Lakeside Moorland Northstar Pathway Riverbend
    Seabright Skyline Starling Thornfield Upland Windmill Amberly Birchwood Cloverfield""")

INDUSTRIES: dict[str, list[str]] = {
    "Software": _words("Software Labs Systems Cloud Digital Tech"),
    "Financial services": _words("Capital Finance Advisory Wealth Payments"),
    "Professional services": _words("Consulting Partners Advisors Group Associates"),
    "Logistics": _words("Logistics Freight Transport Shipping Cargo"),
    "Manufacturing": _words("Manufacturing Industries Components Works Engineering"),
    "Healthcare": _words("Health Care Clinics Medical Diagnostics"),
    "Marketing agency": _words("Media Creative Marketing Studio Agency"),
    "Real estate": _words("Properties Estates Realty Homes"),
    "Insurance": _words("Insurance Assurance Underwriters Cover"),
    "Legal services": _words("Legal Law Counsel Notaries"),
    "Education": _words("Learning Academy Education Campus"),
    "Energy": _words("Energy Power Renewables Solar"),
    "Recruitment": _words("Talent Recruitment Staffing People"),
}

# Client-facing service firms, whose onboarding and approvals Brightloop is made for.
IDEAL_INDUSTRIES = {"Professional services", "Financial services", "Legal services", "Insurance",
                    "Marketing agency", "Recruitment"}  # fmt: skip

# country -> (weight, top-level domain, legal-form suffixes, language spoken by most contacts)
COUNTRIES: dict[str, tuple[int, str, list[str], str]] = {
    "US": (34, "com", ["Inc.", "LLC", ""], "en"),
    "GB": (14, "co.uk", ["Ltd", ""], "en"),
    "DE": (11, "de", ["GmbH", "AG"], "de"),
    "NL": (9, "nl", ["B.V.", ""], "nl"),
    "FR": (7, "fr", ["SAS", "SA"], "fr"),
    "ES": (5, "es", ["S.L.", "S.A."], "es"),
    "IE": (4, "ie", ["Ltd", ""], "en"),
    "BE": (3, "be", ["BV", "SRL"], "nl"),
    "AT": (3, "at", ["GmbH"], "de"),
    "CH": (3, "ch", ["AG", "GmbH"], "de"),
    "SE": (3, "se", ["AB"], "en"),
    "DK": (2, "dk", ["ApS", "A/S"], "en"),
    "CA": (2, "ca", ["Inc.", ""], "en"),
}

JOB_TITLES = {
    "buyer": [
        "Head of Operations",
        "COO",
        "VP Customer Success",
        "Director of Client Services",
        "Head of Finance",
        "Operations Director",
        "VP Operations",
        "Head of Customer Onboarding",
        "Managing Director",
        "Chief Customer Officer",
    ],
    "admin": [
        "IT Manager",
        "Systems Administrator",
        "RevOps Manager",
        "IT Operations Lead",
        "Salesforce Administrator",
        "Head of IT",
        "Business Systems Analyst",
    ],
    "user": [
        "Operations Specialist",
        "Customer Success Manager",
        "Finance Analyst",
        "Project Manager",
        "Implementation Consultant",
        "Onboarding Specialist",
        "Account Manager",
        "Procurement Officer",
        "HR Business Partner",
        "Office Manager",
        "Sales Operations Analyst",
    ],
}

AGENTS = ["Sanne", "Lukas", "Emma", "Daan", "Chloé", "Javier", "Priya", "Tom", "Julia", "Noah"]
CSMS = ["Marloes Visser", "Ben Carter", "Hannah Weber", "Olivier Martin", "Rosa Jiménez"]
IDPS = ["Okta", "Microsoft Entra ID", "Google Workspace", "OneLogin", "AD FS"]
SAML_ERRORS = [
    "Invalid SAML response: audience mismatch",
    "Assertion expired",
    "Certificate expired",
    "User not found",
]
CRM_INTEGRATIONS = ["Salesforce", "HubSpot"]
OTHER_INTEGRATIONS = [
    "Slack",
    "Microsoft Teams",
    "Google Drive",
    "DocuSign",
    "Jira",
    "Zendesk",
    "Zapier",
]
WORKFLOWS = [
    "Client onboarding",
    "Vendor approval",
    "Purchase request",
    "Contract review",
    "Employee onboarding",
    "Invoice approval",
    "Implementation kickoff",
    "Supplier onboarding",
    "Expense approval",
    "KYC check",
    "Renewal prep",
    "New hire IT setup",
]
FEATURES = [
    "conditional approvals based on the amount",
    "an Excel export of the Runs tab",
    "bulk editing of client portal tasks",
    "custom fields on client portals",
    "an Outlook add-in",
    "recurring workflows on a schedule",
    "SLA timers on approval steps",
    "a dark mode",
    "versioning for forms",
    "e-signature inside the portal without DocuSign",
    "field-level permissions",
    "a Gantt view for implementation projects",
]
USE_CASES = [
    "client onboarding",
    "vendor approvals",
    "purchase requests",
    "employee onboarding",
    "contract approvals",
    "customer implementation projects",
    "invoice approvals",
]
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"],
}

# -- ticket framing: greetings, tone, closings, notes for phone and form tickets -------------

FRAMES: dict[str, Pool] = {
    "en": _pool("""
        [greeting]
        Hi,
        Hello,
        Hi team,
        Hello Brightloop support,
        Hi there,
        Good morning,
        Hi support,
        Dear support team,
        Hey,
        [friendly]
        Hope you're doing well!
        Hope all is good on your side.
        Quick one for you.
        Thanks for the great product so far.
        Hope this is an easy one.
        [frustrated]
        This is getting really frustrating.
        Again the same problem.
        I'm writing about this for the second time.
        Not happy, to be honest.
        We're losing a lot of time on this.
        I really hope someone can help this time.
        [urgent]
        This is urgent.
        We need help asap.
        High priority please.
        This is blocking our team right now.
        [close]
        Thanks,\\n{first_name}
        Best regards,\\n{name}
        Thanks in advance!\\n{first_name}
        Kind regards,\\n{name}\\n{title}, {company}
        Cheers,\\n{first_name}
        Regards, {first_name}
        Thank you!\\n{name} | {company}
        Many thanks,\\n{first_name} ({title})
        [close_frustrated]
        Please sort this out quickly.\\n{first_name}
        Waiting for your reply.\\n{name}
        We expect a proper fix this time.\\n{name}, {company}
        Please escalate if needed.\\n{name}\\n{title}
        [phone]
        Phone call with {name} ({title}, {company}).
        Call logged: {name} from {company} called in.
        Inbound call from {first_name} at {company}.
        Customer called ({name}, {company}).
        [web]
        Submitted via the help centre form.
        Sent from Help → Contact support.
        [chat]
        Transcript from chat with {name}:
        Chat escalated to a ticket by {agent}.
    """),
    "de": _pool("""
        [greeting]
        Hallo,
        Guten Tag,
        Hallo zusammen,
        Sehr geehrtes Support-Team,
        Moin,
        [friendly]
        Ich hoffe, es geht Ihnen gut.
        Eine kurze Frage an Sie.
        [frustrated]
        Das ist inzwischen wirklich ärgerlich.
        Ich schreibe Ihnen deswegen schon zum zweiten Mal.
        Wir verlieren damit sehr viel Zeit.
        [urgent]
        Es ist dringend.
        Wir brauchen bitte schnell Hilfe.
        [close]
        Viele Grüße\\n{first_name}
        Mit freundlichen Grüßen\\n{name}\\n{title}, {company}
        Danke und beste Grüße\\n{name}
        Vielen Dank im Voraus!\\n{first_name}
        [close_frustrated]
        Bitte kümmern Sie sich schnell darum.\\n{name}
        Ich erwarte eine baldige Rückmeldung.\\n{name}, {company}
        [phone]
        Telefonat mit {name} ({title}, {company}).
        Anruf von {name}, {company}.
        [web]
        Über das Kontaktformular im Hilfe-Center gesendet.
        [chat]
        Aus dem Chat mit {name} übernommen:
    """),
    "fr": _pool("""
        [greeting]
        Bonjour,
        Bonjour à toute l'équipe,
        Madame, Monsieur,
        Bonjour le support,
        [friendly]
        J'espère que vous allez bien.
        Petite question rapide.
        [frustrated]
        Cela devient vraiment pénible.
        C'est la deuxième fois que je vous écris à ce sujet.
        Nous perdons beaucoup de temps avec ce problème.
        [urgent]
        C'est urgent.
        Nous avons besoin d'aide rapidement.
        [close]
        Merci d'avance,\\n{first_name}
        Cordialement,\\n{name}\\n{title}, {company}
        Bien à vous,\\n{name}
        Merci beaucoup,\\n{first_name}
        [close_frustrated]
        Merci de traiter ce ticket rapidement.\\n{name}
        Dans l'attente d'une réponse rapide,\\n{name}, {company}
        [phone]
        Appel de {name} ({title}, {company}).
        Appel entrant de {name}, {company}.
        [web]
        Envoyé via le formulaire du centre d'aide.
        [chat]
        Repris du chat avec {name} :
    """),
    "es": _pool("""
        [greeting]
        Hola,
        Buenos días,
        Hola equipo,
        Estimado equipo de soporte:
        [friendly]
        Espero que estéis bien.
        Una consulta rápida.
        [frustrated]
        Esto ya es bastante frustrante.
        Es la segunda vez que escribo por este tema.
        Estamos perdiendo mucho tiempo con esto.
        [urgent]
        Es urgente.
        Necesitamos ayuda cuanto antes.
        [close]
        Gracias,\\n{first_name}
        Un saludo,\\n{name}\\n{title}, {company}
        Muchas gracias de antemano.\\n{first_name}
        Saludos cordiales,\\n{name}
        [close_frustrated]
        Por favor, resolvedlo cuanto antes.\\n{name}
        Quedo a la espera de una respuesta.\\n{name}, {company}
        [phone]
        Llamada de {name} ({title}, {company}).
        Llamada entrante de {name}, {company}.
        [web]
        Enviado desde el formulario del centro de ayuda.
        [chat]
        Transcripción del chat con {name}:
    """),
    "nl": _pool("""
        [greeting]
        Hoi,
        Goedemorgen,
        Beste supportafdeling,
        Hallo,
        Hoi allemaal,
        [friendly]
        Ik hoop dat alles goed gaat daar.
        Een korte vraag.
        [frustrated]
        Dit begint echt frustrerend te worden.
        Ik mail hier al voor de tweede keer over.
        We verliezen hier veel tijd mee.
        [urgent]
        Dit is dringend.
        We hebben snel hulp nodig.
        [close]
        Groeten,\\n{first_name}
        Met vriendelijke groet,\\n{name}\\n{title}, {company}
        Alvast bedankt!\\n{first_name}
        Groet,\\n{name}
        [close_frustrated]
        Graag snel een oplossing.\\n{name}
        Ik hoor graag snel van jullie.\\n{name}, {company}
        [phone]
        Telefoongesprek met {name} ({title}, {company}).
        Inkomend gesprek van {name}, {company}.
        [web]
        Verstuurd via het contactformulier van het helpcentrum.
        [chat]
        Overgenomen uit de chat met {name}:
    """),
}

# -- ticket themes ----------------------------------------------------------------------------
# Parts: subject, problem, detail, ask, fix (the agent's answer); optional variant parts
# (blocked, release, renewal, announcement) add one sentence when the generator asks for them.

TICKETS: dict[str, dict[str, Pool]] = {
    "sso": {
        "en": _pool("""
            [subject]
            SSO login failing with "{saml_error}"
            SAML SSO not working after setup with {idp}
            Can't get single sign-on to work
            {idp} SSO: {saml_error}
            SSO test connection fails
            Team can't log in via SSO
            Help with SAML configuration ({idp})
            SSO sign-in problem
            [problem]
            We're trying to set up SAML SSO with {idp} and every login attempt ends with "{saml_error}".
            When I click Test SSO connection under Settings → Security → Single sign-on, it fails with "{saml_error}".
            Since we switched on SSO, {n_users} of our users can't sign in at all.
            Our IT admin configured the Brightloop app in {idp} exactly as described in the guide, but users get "{saml_error}" after they authenticate.
            SSO redirect loop >> The browser keeps bouncing between {idp} and app.brightloop.io and never lands in the workspace.
            SSO worked for me as Owner but everyone else on the team gets an error page.
            Half the team gets in through SSO, the other half sees "{saml_error}".
            This morning SSO suddenly stopped working for everyone with the message "{saml_error}".
            [blocked]
            We signed up {days} days ago and still can't get our team into Brightloop because SSO keeps failing.
            This is blocking our whole rollout – nobody except me can log in.
            Honestly we're starting to wonder whether Brightloop is right for us if we can't even get past the login.
            We chose Growth mainly for SSO and it simply doesn't work.
            Our onboarding is on hold until SSO works; the team is still using spreadsheets.
            I followed the setup guide step by step twice. Same error every time.
            We've lost almost {days} days of our onboarding plan to this.
            [detail]
            Entity ID is set to https://app.brightloop.io/sso/saml/metadata and the ACS URL to https://app.brightloop.io/sso/saml/acs, we double-checked both.
            Our SSO domain {domain} shows as Verified.
            The domain still shows Pending, although we added the DNS TXT record {days} days ago.
            We uploaded the metadata XML again but nothing changed.
            NameID is sent as the user's email address, at least that's what {idp} says.
            We rotated the signing certificate last week – maybe related?
            Clearing cookies and using a private window didn't help.
            I attached a screenshot of the error and a SAML trace.
            [ask]
            Could someone check our configuration on your side?
            Can you tell us what we're missing?
            Is there a way to turn off SSO enforcement until this is fixed?
            Please advise, we planned to go live on {weekday}.
            Could we get on a call with someone who knows SAML?
            What else can we check?
            [fix]
            The audience in your SAML response doesn't match our Entity ID – please set it to https://app.brightloop.io/sso/saml/metadata in {idp}, without a trailing slash.
            The assertion is rejected because your IdP's clock is more than 3 minutes off. Syncing the server clock via NTP fixes this.
            Your IdP signing certificate has expired. Please rotate it in {idp}, upload the new one under Settings → Security → Single sign-on → Configure SAML and click Test SSO connection.
            Brightloop matches users by email, so NameID must be the email address in emailAddress format rather than the UPN.
            Your SSO domain isn't verified yet. Please add the DNS TXT record shown under Settings → Security → Single sign-on and click Verify.
        """),
        "de": _pool("""
            [subject]
            SSO-Anmeldung schlägt fehl: "{saml_error}"
            SAML-SSO mit {idp} funktioniert nicht
            Probleme mit Single Sign-on
            [problem]
            Wir richten gerade SAML-SSO mit {idp} ein, aber jede Anmeldung endet mit der Meldung "{saml_error}".
            Seit wir SSO aktiviert haben, können sich {n_users} Kolleginnen und Kollegen nicht mehr anmelden.
            Beim Klick auf Test SSO connection erscheint jedes Mal "{saml_error}".
            [blocked]
            Wir haben vor {days} Tagen unterschrieben und bekommen das Team wegen SSO immer noch nicht in Brightloop.
            Ohne funktionierendes SSO liegt unser gesamtes Onboarding auf Eis.
            [detail]
            Entity ID und ACS-URL haben wir zweimal geprüft.
            Cookies löschen und ein privates Fenster haben nichts gebracht.
            [ask]
            Könnten Sie sich unsere Konfiguration bitte ansehen?
            Was fehlt uns noch?
            [fix]
            Die Audience in Ihrer SAML-Antwort stimmt nicht mit unserer Entity ID überein. Bitte tragen Sie in {idp} https://app.brightloop.io/sso/saml/metadata ein, ohne Schrägstrich am Ende.
            Ihr Signaturzertifikat ist abgelaufen. Bitte erneuern Sie es in {idp} und laden Sie es unter Settings → Security → Single sign-on neu hoch.
        """),
        "fr": _pool("""
            [subject]
            Échec de connexion SSO : "{saml_error}"
            Le SSO SAML avec {idp} ne fonctionne pas
            [problem]
            Nous configurons le SSO SAML avec {idp} et chaque tentative de connexion se termine par "{saml_error}".
            Depuis l'activation du SSO, {n_users} collaborateurs ne peuvent plus se connecter.
            Le bouton Test SSO connection renvoie systématiquement "{saml_error}".
            [blocked]
            Nous avons signé il y a {days} jours et notre équipe n'a toujours pas accès à Brightloop à cause du SSO.
            Tout notre déploiement est bloqué tant que le SSO ne marche pas.
            [detail]
            Nous avons vérifié deux fois l'Entity ID et l'URL ACS.
            Vider les cookies et passer en navigation privée n'a rien changé.
            [ask]
            Pourriez-vous vérifier notre configuration ?
            Que nous manque-t-il ?
            [fix]
            L'audience de votre réponse SAML ne correspond pas à notre Entity ID : indiquez https://app.brightloop.io/sso/saml/metadata dans {idp}, sans barre oblique finale.
            Le certificat de signature de votre IdP a expiré. Renouvelez-le dans {idp} puis importez-le sous Settings → Security → Single sign-on.
        """),
        "es": _pool("""
            [subject]
            Error de inicio de sesión SSO: "{saml_error}"
            El SSO SAML con {idp} no funciona
            [problem]
            Estamos configurando el SSO SAML con {idp} y cada intento de inicio de sesión termina con "{saml_error}".
            Desde que activamos el SSO, {n_users} compañeros no pueden entrar.
            Al pulsar Test SSO connection aparece siempre "{saml_error}".
            [blocked]
            Firmamos hace {days} días y el equipo sigue sin poder entrar en Brightloop por culpa del SSO.
            Todo nuestro onboarding está parado hasta que funcione el SSO.
            [detail]
            Hemos revisado dos veces el Entity ID y la URL de ACS.
            Borrar las cookies y usar una ventana privada no ha servido de nada.
            [ask]
            ¿Podéis revisar nuestra configuración?
            ¿Qué nos falta?
            [fix]
            La audiencia de vuestra respuesta SAML no coincide con nuestro Entity ID: configurad https://app.brightloop.io/sso/saml/metadata en {idp}, sin barra final.
            El certificado de firma de vuestro IdP ha caducado. Renovadlo en {idp} y subidlo de nuevo en Settings → Security → Single sign-on.
        """),
        "nl": _pool("""
            [subject]
            SSO-login mislukt: "{saml_error}"
            SAML SSO met {idp} werkt niet
            [problem]
            We zijn SAML SSO met {idp} aan het inrichten, maar elke inlogpoging eindigt met "{saml_error}".
            Sinds we SSO hebben aangezet, kunnen {n_users} collega's niet meer inloggen.
            Test SSO connection geeft steeds "{saml_error}".
            [blocked]
            We hebben {days} dagen geleden getekend en krijgen het team door SSO nog steeds niet in Brightloop.
            Onze hele onboarding ligt stil zolang SSO niet werkt.
            [detail]
            Entity ID en ACS-URL hebben we twee keer gecontroleerd.
            Cookies wissen en een privévenster hielpen niet.
            [ask]
            Kunnen jullie onze configuratie bekijken?
            Wat missen we nog?
            [fix]
            De audience in jullie SAML-response komt niet overeen met onze Entity ID. Vul in {idp} https://app.brightloop.io/sso/saml/metadata in, zonder slash aan het eind.
            Het signing-certificaat van jullie IdP is verlopen. Vernieuw het in {idp} en upload het opnieuw via Settings → Security → Single sign-on.
        """),
    },
    "billing": {
        "en": _pool("""
            [subject]
            Question about invoice {invoice}
            Billing question
            Question about our last invoice
            Invoice issue
            Billing – need help
            [problem]
            Wrong VAT on our last invoice >> Our latest invoice {invoice} shows VAT even though we entered our VAT ID under Billing details weeks ago.
            Charged more than expected >> We were charged {amount} this month, which is more than we expected for {seats} seats.
            Card payment failed >> Our card payment failed and we got a warning email, but the card is valid.
            Need our PO number on the invoice >> Finance needs our PO number {po} on every invoice, but it's missing on the last one.
            Where are our invoices? >> I can't find last month's invoice under Settings → Billing → Invoices.
            Switch to invoice payment >> We'd like to move from card to invoice payment by bank transfer for our annual contract, which is well above €5,000.
            Extra workflow runs on the invoice? >> There's a line for extra workflow runs on invoice {invoice} and we don't understand where it comes from; usage shows {runs} runs this month.
            New billing address >> Could you change the company name and billing address on our invoices? We moved offices last month.
            Invoice currency >> We'd prefer our invoices in GBP instead of EUR from the next renewal.
            [detail]
            The last invoice was issued on {date}.
            Our billing contact is finance@{domain} – can they get a copy of every invoice?
            Our workspace is {slug}.brightloop.io, in case you need it.
            I'm the workspace Owner, so I can confirm any change.
            [ask]
            Could you send a corrected invoice?
            Can you explain the charge?
            Please let me know what we need to do.
            Can you confirm by email so I can forward it to finance?
            Our finance team closes the month on {weekday}, so a quick answer would help.
            [fix]
            I've reissued invoice {invoice} with reverse charge applied, as your VAT ID is valid.
            The extra line is for workflow runs above your monthly allowance, charged at €10 per 1,000 runs. You can set a usage cap under Settings → Billing → Usage.
            I've switched your workspace to invoice payment; the next invoice will include the bank transfer details.
            Your PO number is now stored under Billing details and will appear on every future invoice.
            Invoices are listed under Settings → Billing → Invoices and can be downloaded as PDF; I've also added finance@{domain} as billing contact.
        """),
        "de": _pool("""
            [subject]
            Frage zur Rechnung {invoice}
            Frage zur Abrechnung
            [problem]
            Auf unserer letzten Rechnung {invoice} wurde Mehrwertsteuer berechnet, obwohl unsere USt-IdNr. hinterlegt ist.
            Uns wurden diesen Monat {amount} abgebucht, deutlich mehr als erwartet.
            Wir möchten für unseren Jahresvertrag von Kreditkarte auf Zahlung per Rechnung umstellen.
            [detail]
            Unsere Buchhaltung braucht die Bestellnummer {po} auf jeder Rechnung.
            [ask]
            Können Sie uns eine korrigierte Rechnung schicken?
            [fix]
            Ich habe die Rechnung {invoice} mit Reverse-Charge neu ausgestellt, da Ihre USt-IdNr. gültig ist.
            Ich habe Ihren Workspace auf Rechnungszahlung umgestellt; die nächste Rechnung enthält die Bankverbindung.
        """),
        "fr": _pool("""
            [subject]
            Question sur la facture {invoice}
            Question de facturation
            [problem]
            Notre dernière facture {invoice} comporte de la TVA alors que notre numéro de TVA est renseigné.
            Nous avons été prélevés de {amount} ce mois-ci, bien plus que prévu.
            Nous souhaitons passer du paiement par carte au virement pour notre contrat annuel.
            [detail]
            Notre service comptable a besoin du numéro de commande {po} sur chaque facture.
            [ask]
            Pourriez-vous nous envoyer une facture corrigée ?
            [fix]
            J'ai réémis la facture {invoice} en autoliquidation, votre numéro de TVA étant valide.
            Votre espace est désormais en paiement par virement ; la prochaine facture indiquera nos coordonnées bancaires.
        """),
        "es": _pool("""
            [subject]
            Consulta sobre la factura {invoice}
            Consulta de facturación
            [problem]
            Nuestra última factura {invoice} incluye IVA aunque tenemos el NIF-IVA registrado.
            Este mes nos han cobrado {amount}, bastante más de lo esperado.
            Queremos pasar del pago con tarjeta al pago por transferencia para el contrato anual.
            [detail]
            Contabilidad necesita el número de pedido {po} en cada factura.
            [ask]
            ¿Nos podéis enviar una factura corregida?
            [fix]
            He vuelto a emitir la factura {invoice} con inversión del sujeto pasivo, ya que vuestro NIF-IVA es válido.
            He cambiado vuestro espacio a pago por transferencia; la próxima factura incluirá los datos bancarios.
        """),
        "nl": _pool("""
            [subject]
            Vraag over factuur {invoice}
            Vraag over de facturatie
            [problem]
            Op onze laatste factuur {invoice} staat btw, terwijl ons btw-nummer is ingevuld.
            Er is deze maand {amount} afgeschreven, veel meer dan verwacht.
            We willen voor ons jaarcontract overstappen van creditcard naar betaling op factuur.
            [detail]
            Onze financiële afdeling heeft ordernummer {po} op elke factuur nodig.
            [ask]
            Kunnen jullie een gecorrigeerde factuur sturen?
            [fix]
            Ik heb factuur {invoice} opnieuw uitgegeven met btw verlegd, want jullie btw-nummer is geldig.
            Jullie workspace staat nu op betaling op factuur; de volgende factuur bevat de bankgegevens.
        """),
    },
    "pricing": {
        "en": _pool("""
            [subject]
            Price increase at renewal
            New pricing – really?
            Renewal quote much higher than last year
            Question about the 2026 pricing change
            Can we keep our current price?
            Multi-year price lock
            Our renewal and the new prices
            [problem]
            We received the email about the new pricing from 1 May 2026 and want to understand what it means for us.
            Our Growth plan goes from €39 to €49 per user per month at renewal. For {seats} seats that's a big jump.
            The renewal notice shows a price that's about {pct}% higher than what we pay today.
            Nothing in the product has changed for us, yet the price goes up by more than 25%.
            We budgeted based on last year's price and this increase wasn't planned.
            Our renewal quote came in {pct}% higher than the current contract.
            [announcement]
            I just read the announcement from 15 March and want to check when the new prices apply to us.
            Does the new pricing affect our current term or only the renewal?
            [renewal]
            To be honest, at this price we are evaluating alternatives.
            Management is asking why we should renew when the price went up and support got slower.
            Unless we can agree on something closer to our current price, we'll give notice before the 30-day deadline.
            This increase makes it very hard to justify Brightloop internally.
            As a long-time customer we feel taken for granted with this increase.
            We're disappointed – the price went up and we got nothing new for it.
            Our procurement team won't sign off on a {pct}% increase.
            [detail]
            Our renewal date is {renewal}.
            We have {seats} seats on {plan}.
            Our CSM mentioned a multi-year price lock – how would that work?
            We'd be open to a 2-year commitment if the price stays flat.
            We got the renewal notice email 60 days before the end of the term.
            [ask]
            Is there any flexibility on the price?
            Can we lock in the old price by renewing early?
            Could our CSM call us this week?
            Please send us the options in writing.
            What are our options?
            [fix]
            Existing customers keep their current price until their first renewal after 1 May 2026; from then the new list price applies.
            Enterprise customers can ask their CSM for a 2- or 3-year price lock; I've asked {csm} to reach out to you.
            If you have 10 users or fewer and don't need SSO, Starter at €19 per user/month could be an option from your renewal.
            I've passed your feedback to {csm}, your customer success manager, who will contact you about the renewal.
        """),
        "de": _pool("""
            [subject]
            Preiserhöhung bei der Verlängerung
            Neue Preise ab Mai 2026
            [problem]
            Unser Growth-Tarif steigt bei der Verlängerung von 39 € auf 49 € pro Nutzer und Monat – bei {seats} Nutzern ist das erheblich.
            Das Verlängerungsangebot liegt rund {pct} % über unserem aktuellen Vertrag.
            [announcement]
            Ab wann gelten die neuen Preise für uns?
            [renewal]
            Zu diesem Preis prüfen wir ehrlich gesagt Alternativen.
            Ohne Entgegenkommen beim Preis werden wir fristgerecht kündigen.
            [detail]
            Unser Vertrag verlängert sich am {renewal}.
            [ask]
            Gibt es beim Preis Spielraum?
            [fix]
            Bestandskunden behalten ihren Preis bis zur ersten Verlängerung nach dem 1. Mai 2026. Enterprise-Kunden können über ihren CSM eine Preisbindung für 2 oder 3 Jahre anfragen.
        """),
        "fr": _pool("""
            [subject]
            Hausse de prix au renouvellement
            Nouveaux tarifs 2026
            [problem]
            Notre offre Growth passe de 39 € à 49 € par utilisateur et par mois au renouvellement ; pour {seats} utilisateurs, c'est énorme.
            Le devis de renouvellement est environ {pct} % plus cher que notre contrat actuel.
            [announcement]
            À partir de quand les nouveaux tarifs s'appliquent-ils à notre contrat ?
            [renewal]
            Honnêtement, à ce prix nous étudions d'autres solutions.
            Sans geste sur le prix, nous ne renouvellerons pas.
            [detail]
            Notre date de renouvellement est le {renewal}.
            [ask]
            Avez-vous une marge de manœuvre sur le prix ?
            [fix]
            Les clients existants conservent leur prix jusqu'à leur premier renouvellement après le 1er mai 2026. Les clients Enterprise peuvent demander à leur CSM un prix garanti sur 2 ou 3 ans.
        """),
        "es": _pool("""
            [subject]
            Subida de precio en la renovación
            Nuevos precios 2026
            [problem]
            Nuestro plan Growth pasa de 39 € a 49 € por usuario y mes en la renovación; con {seats} usuarios es mucho dinero.
            La oferta de renovación es un {pct} % más cara que el contrato actual.
            [announcement]
            ¿Desde cuándo se nos aplican los nuevos precios?
            [renewal]
            Sinceramente, a este precio estamos valorando alternativas.
            Si no hay margen en el precio, no vamos a renovar.
            [detail]
            Nuestra fecha de renovación es el {renewal}.
            [ask]
            ¿Hay algo de flexibilidad en el precio?
            [fix]
            Los clientes actuales mantienen su precio hasta su primera renovación después del 1 de mayo de 2026. Los clientes Enterprise pueden pedir a su CSM un precio bloqueado a 2 o 3 años.
        """),
        "nl": _pool("""
            [subject]
            Prijsverhoging bij verlenging
            Nieuwe prijzen 2026
            [problem]
            Ons Growth-abonnement gaat bij verlenging van €39 naar €49 per gebruiker per maand; met {seats} gebruikers is dat flink.
            De verlengingsofferte ligt zo'n {pct}% boven ons huidige contract.
            [announcement]
            Vanaf wanneer gelden de nieuwe prijzen voor ons?
            [renewal]
            Eerlijk gezegd kijken we bij deze prijs naar alternatieven.
            Als er niets aan de prijs te doen is, zeggen we op.
            [detail]
            Ons contract wordt verlengd op {renewal}.
            [ask]
            Is er ruimte in de prijs?
            [fix]
            Bestaande klanten houden hun prijs tot hun eerste verlenging na 1 mei 2026. Enterprise-klanten kunnen via hun CSM een prijsgarantie van 2 of 3 jaar vragen.
        """),
    },
    "integration_disconnected": {
        "en": _pool("""
            [subject]
            {integration} integration disconnected
            "Integration disconnected" on {integration}
            {integration} sync stopped
            Workflows failing – {integration} disconnected again
            {integration} keeps disconnecting
            Reconnect {integration}?
            {integration} connection lost
            [problem]
            Our {integration} integration shows "Integration disconnected" under Settings → Integrations and nothing syncs.
            Since {weekday} none of our {integration} records come through to Brightloop.
            The {workflow} workflow fails at the {integration} step with a disconnected error.
            I reconnected {integration} yesterday and today it's disconnected again.
            We deactivated a colleague who left the company and now {integration} is disconnected.
            Deals closed in {integration} no longer start our {workflow} workflow.
            [release]
            This started right after your latest release ({release}) – nothing changed on our side.
            Since the update last week our {integration} connection drops every few hours.
            It looks like the release on {release_date} broke the connection to {integration}.
            Two other companies in the community forum report the same thing since the update.
            We didn't touch anything; it disconnected on its own after your release notes went out.
            [detail]
            {failed} runs have failed since then.
            We connected it with our service account integrations@{domain}.
            The Runs tab shows {failed} failed runs with the {integration} step in red.
            We're on {plan}, so the sync should run every 15 minutes.
            Reconnecting works for a few hours, then it drops again.
            [ask]
            Is this a known issue?
            How can we make sure it stays connected?
            Can you retry the failed runs for us?
            Please treat this as urgent – our sales team depends on it.
            Could you check the logs on your side?
            [fix]
            Please reconnect under Settings → Integrations → Reconnect with an active account, ideally a dedicated service account, and retry the failed runs from the Runs tab.
            We found an issue in release {release} that made OAuth tokens expire early; a fix is live. Reconnecting once is enough and the integration will stay connected.
            The token belonged to a deactivated user; reconnecting with a service account prevents this in the future.
        """),
        "de": _pool("""
            [subject]
            {integration}-Integration getrennt
            "Integration disconnected" bei {integration}
            [problem]
            Unsere {integration}-Integration zeigt unter Settings → Integrations "Integration disconnected" und es wird nichts synchronisiert.
            Der Workflow {workflow} bricht beim {integration}-Schritt ab.
            [release]
            Das Problem besteht seit Ihrem letzten Release ({release}); bei uns hat sich nichts geändert.
            [detail]
            Seitdem sind {failed} Runs fehlgeschlagen.
            [ask]
            Ist das ein bekanntes Problem?
            [fix]
            Bitte verbinden Sie die Integration unter Settings → Integrations → Reconnect mit einem aktiven Konto neu und starten Sie die fehlgeschlagenen Runs erneut.
        """),
        "fr": _pool("""
            [subject]
            Intégration {integration} déconnectée
            {integration} : "Integration disconnected"
            [problem]
            Notre intégration {integration} affiche "Integration disconnected" dans Settings → Integrations et plus rien ne se synchronise.
            Le workflow {workflow} échoue à l'étape {integration}.
            [release]
            Le problème a commencé juste après votre dernière mise à jour ({release}) ; rien n'a changé chez nous.
            [detail]
            {failed} exécutions ont échoué depuis.
            [ask]
            Est-ce un problème connu ?
            [fix]
            Reconnectez l'intégration via Settings → Integrations → Reconnect avec un compte actif, puis relancez les exécutions en échec.
        """),
        "es": _pool("""
            [subject]
            Integración de {integration} desconectada
            {integration}: "Integration disconnected"
            [problem]
            Nuestra integración con {integration} muestra "Integration disconnected" en Settings → Integrations y no sincroniza nada.
            El flujo {workflow} falla en el paso de {integration}.
            [release]
            Empezó justo después de vuestra última versión ({release}); nosotros no hemos cambiado nada.
            [detail]
            Desde entonces han fallado {failed} ejecuciones.
            [ask]
            ¿Es un problema conocido?
            [fix]
            Volved a conectar la integración en Settings → Integrations → Reconnect con una cuenta activa y reintentad las ejecuciones fallidas.
        """),
        "nl": _pool("""
            [subject]
            {integration}-koppeling verbroken
            "Integration disconnected" bij {integration}
            [problem]
            Onze {integration}-koppeling staat onder Settings → Integrations op "Integration disconnected" en er wordt niets gesynchroniseerd.
            De workflow {workflow} faalt bij de {integration}-stap.
            [release]
            Dit begon direct na jullie laatste release ({release}); bij ons is niets veranderd.
            [detail]
            Sindsdien zijn {failed} runs mislukt.
            [ask]
            Is dit een bekend probleem?
            [fix]
            Koppel de integratie opnieuw via Settings → Integrations → Reconnect met een actief account en start de mislukte runs opnieuw.
        """),
    },
    "integration_sync": {
        "en": _pool("""
            [subject]
            {tool} step failing
            Problem with the {tool} integration
            Integration step fails in {workflow}
            Integration error
            [problem]
            The {tool} step in our {workflow} workflow fails with "Permission denied".
            Slack notifications not arriving >> Slack notifications stopped arriving and the run says "Channel not found".
            {integration} data not syncing >> Changes in {integration} take much longer than 15 minutes to show up in Brightloop.
            Field validation error in {integration} >> When the workflow creates a record in {integration} it fails with "Field validation failed".
            Google Drive upload error >> Uploads to the connected Google Drive folder fail for larger files.
            The {tool} action worked in the trial but fails since we went live.
            [detail]
            Run ID {run_id}.
            The integration user has admin rights in {tool}, as far as we know.
            Only some runs fail – {failed} so far this week.
            [ask]
            Can you tell us what the error means?
            Any idea what we should change?
            Is there a log we can check?
            [fix]
            The integration user needs access to that object or channel in {tool}; granting it fixes the Permission denied error.
            For Slack and Teams, please invite the Brightloop app to the channel first.
            On {plan}, {integration} syncs every 15 minutes; near-real-time sync is part of Enterprise.
            The failing field is required in {integration}; mapping a value for it in the step settings solves the validation error.
        """),
        "de": _pool("""
            [subject]
            {tool}-Schritt schlägt fehl
            [problem]
            Der {tool}-Schritt in unserem Workflow {workflow} schlägt mit "Permission denied" fehl.
            [detail]
            Run-ID {run_id}.
            [ask]
            Was bedeutet dieser Fehler?
            [fix]
            Der Integrationsnutzer braucht in {tool} Zugriff auf das Objekt bzw. den Kanal; danach läuft der Schritt wieder.
        """),
        "fr": _pool("""
            [subject]
            L'étape {tool} échoue
            [problem]
            L'étape {tool} de notre workflow {workflow} échoue avec "Permission denied".
            [detail]
            Identifiant d'exécution : {run_id}.
            [ask]
            Que signifie cette erreur ?
            [fix]
            L'utilisateur de l'intégration doit avoir accès à l'objet ou au canal dans {tool} ; ensuite l'étape fonctionnera.
        """),
        "es": _pool("""
            [subject]
            Falla el paso de {tool}
            [problem]
            El paso de {tool} en nuestro flujo {workflow} falla con "Permission denied".
            [detail]
            ID de ejecución {run_id}.
            [ask]
            ¿Qué significa este error?
            [fix]
            El usuario de la integración necesita acceso al objeto o canal en {tool}; con eso el paso vuelve a funcionar.
        """),
        "nl": _pool("""
            [subject]
            {tool}-stap mislukt
            [problem]
            De {tool}-stap in onze workflow {workflow} faalt met "Permission denied".
            [detail]
            Run-ID {run_id}.
            [ask]
            Wat betekent deze fout?
            [fix]
            De integratiegebruiker heeft in {tool} toegang tot het object of kanaal nodig; daarna werkt de stap weer.
        """),
    },
    "workflow": {
        "en": _pool("""
            [subject]
            Workflow not triggering
            {workflow} workflow didn't start
            Problem with the {workflow} workflow
            Workflow stopped running
            Workflow issue
            [problem]
            Trigger not firing since {weekday} >> Our {workflow} workflow hasn't started since {weekday}, although new records keep coming in.
            The trigger shows Active, but the Runs tab shows nothing for the last {days} days.
            Runs being skipped? >> Some runs are marked as skipped and I can't tell which condition fails.
            After I edited the {workflow} workflow it stopped running altogether.
            Workflows stopped triggering in the middle of the month – is there a limit?
            Approval step stuck >> An approval in {workflow} has been sitting there for days without any reminder going out.
            Approval step skipped >> The workflow starts, but it skips the approval step for some requests.
            [detail]
            Run ID {run_id}.
            We're on {plan} and usage shows {runs} runs this month.
            The filter condition checks the stage "Closed Won" – we renamed it in our CRM recently.
            Nothing has changed in the workflow for weeks.
            It's affecting about {failed} requests a day.
            [ask]
            Could you have a look?
            What are we doing wrong?
            How can we make sure this doesn't happen again?
            Can you check the logs on your side?
            [fix]
            Editing a published workflow creates a new draft – please click Publish to make your changes live.
            Your filter condition still checks the old stage name; updating it will make the trigger fire again.
            Your workspace reached the usage cap set under Settings → Billing → Usage, so workflows stopped triggering. Raising or removing the cap fixes it.
            With Show skipped enabled in the Runs tab you can see which condition failed for each skipped event.
        """),
        "de": _pool("""
            [subject]
            Workflow startet nicht
            [problem]
            Unser Workflow {workflow} startet seit {weekday} nicht mehr, obwohl neue Datensätze eingehen.
            Einige Runs werden als übersprungen angezeigt und ich verstehe nicht, warum.
            [detail]
            Run-ID {run_id}.
            [ask]
            Können Sie sich das bitte ansehen?
            [fix]
            Beim Bearbeiten eines veröffentlichten Workflows entsteht ein neuer Entwurf – bitte klicken Sie auf Publish.
        """),
        "fr": _pool("""
            [subject]
            Le workflow ne se déclenche pas
            [problem]
            Notre workflow {workflow} ne démarre plus depuis {weekday}, alors que de nouveaux enregistrements arrivent.
            Certaines exécutions sont marquées comme ignorées et je ne comprends pas pourquoi.
            [detail]
            Identifiant d'exécution : {run_id}.
            [ask]
            Pourriez-vous regarder ?
            [fix]
            La modification d'un workflow publié crée un brouillon : cliquez sur Publish pour appliquer vos changements.
        """),
        "es": _pool("""
            [subject]
            El flujo no se activa
            [problem]
            Nuestro flujo {workflow} no se inicia desde el {weekday}, aunque siguen entrando registros nuevos.
            Algunas ejecuciones aparecen como omitidas y no entiendo por qué.
            [detail]
            ID de ejecución {run_id}.
            [ask]
            ¿Lo podéis revisar?
            [fix]
            Al editar un flujo publicado se crea un borrador nuevo: pulsad Publish para activar los cambios.
        """),
        "nl": _pool("""
            [subject]
            Workflow start niet
            [problem]
            Onze workflow {workflow} start sinds {weekday} niet meer, terwijl er wel nieuwe records binnenkomen.
            Sommige runs staan op overgeslagen en ik snap niet waarom.
            [detail]
            Run-ID {run_id}.
            [ask]
            Kunnen jullie meekijken?
            [fix]
            Als je een gepubliceerde workflow bewerkt, ontstaat er een nieuw concept – klik op Publish om de wijzigingen live te zetten.
        """),
    },
    "dashboard": {
        "en": _pool("""
            [subject]
            Dashboard extremely slow
            Insights page won't load
            Adoption dashboard timing out
            Reporting is really slow
            Slow dashboards since this week
            [problem]
            The Insights pages take {minutes} minutes to load, if they load at all.
            Our adoption dashboard times out when I select the last 12 months.
            Since this week every dashboard is painfully slow for the whole team.
            Reports used to load instantly, now it's a spinner for ages.
            Dashboard export fails >> Exporting the dashboard for our board meeting fails halfway because it times out.
            [detail]
            We have {widgets} widgets on the main dashboard.
            Same in Chrome and Edge, and in a private window.
            The status page shows everything green.
            It's slow for colleagues in other offices too.
            [ask]
            Is something wrong on your side?
            Any tips to speed this up?
            We need these numbers for a board meeting on {weekday}.
            [fix]
            Large date ranges take longer to calculate; starting with the last 30 or 90 days helps a lot.
            Browser extensions such as ad blockers often block dashboard requests – please try with them disabled.
            Splitting the {widgets} widgets over two dashboards brings load times back to a few seconds.
        """),
        "de": _pool("""
            [subject]
            Dashboard extrem langsam
            [problem]
            Die Insights-Seiten brauchen {minutes} Minuten zum Laden, wenn sie überhaupt laden.
            [detail]
            Unser Haupt-Dashboard hat {widgets} Widgets.
            [ask]
            Gibt es bei Ihnen ein Problem?
            [fix]
            Große Zeiträume dauern länger; starten Sie am besten mit den letzten 30 oder 90 Tagen.
        """),
        "fr": _pool("""
            [subject]
            Tableau de bord très lent
            [problem]
            Les pages Insights mettent {minutes} minutes à charger, quand elles chargent.
            [detail]
            Notre tableau de bord principal compte {widgets} widgets.
            [ask]
            Y a-t-il un problème de votre côté ?
            [fix]
            Les longues périodes prennent plus de temps à calculer ; commencez par les 30 ou 90 derniers jours.
        """),
        "es": _pool("""
            [subject]
            Panel muy lento
            [problem]
            Las páginas de Insights tardan {minutes} minutos en cargar, cuando cargan.
            [detail]
            Nuestro panel principal tiene {widgets} widgets.
            [ask]
            ¿Hay algún problema por vuestra parte?
            [fix]
            Los rangos de fechas largos tardan más; empezad con los últimos 30 o 90 días.
        """),
        "nl": _pool("""
            [subject]
            Dashboard erg traag
            [problem]
            De Insights-pagina's doen er {minutes} minuten over om te laden, als ze al laden.
            [detail]
            Ons hoofddashboard heeft {widgets} widgets.
            [ask]
            Is er iets mis aan jullie kant?
            [fix]
            Lange periodes kosten meer rekentijd; begin met de laatste 30 of 90 dagen.
        """),
    },
    "email_delivery": {
        "en": _pool("""
            [subject]
            Notification emails not arriving
            Emails from Brightloop missing
            Email delivery problem
            [problem]
            Approvers don't get emails >> Approvers at {domain} don't receive any notification emails from Brightloop.
            Client portal invitations going to spam >> Our client portal invitations end up in spam at most of our clients.
            Emails bouncing from our custom domain >> Since we set up our custom sender domain, emails are being rejected.
            Reminder emails missing >> Reminder emails stopped arriving for part of the team.
            Our clients say they never got the portal invitation.
            [detail]
            The Send email step in the run shows Bounced.
            Our domain has a strict DMARC policy (p=reject).
            SPF shows Verified, DKIM is still pending.
            IT checked the quarantine and found nothing.
            It affects roughly {n_users} recipients.
            [ask]
            Can you check whether the emails were sent at all?
            What do we need to change in our DNS?
            Please help, our clients are waiting.
            [fix]
            Your SPF and DKIM records aren't verified yet; please add the records shown under Settings → Email → Sender domain and click Verify.
            The emails were held in your gateway's quarantine; allowing messages from Brightloop fixes it.
            The address bounced because of a typo in the user record – I've corrected it.
        """),
        "de": _pool("""
            [subject]
            Benachrichtigungen kommen nicht an
            [problem]
            Unsere Freigeber erhalten keine E-Mail-Benachrichtigungen von Brightloop.
            [detail]
            Im Run steht beim Schritt Send email "Bounced".
            [ask]
            Was müssen wir in unserem DNS ändern?
            [fix]
            Ihre SPF- und DKIM-Einträge sind noch nicht verifiziert; bitte fügen Sie die Einträge unter Settings → Email → Sender domain hinzu und klicken Sie auf Verify.
        """),
        "fr": _pool("""
            [subject]
            Les notifications e-mail n'arrivent pas
            [problem]
            Nos approbateurs ne reçoivent aucune notification de Brightloop.
            [detail]
            L'étape Send email de l'exécution indique "Bounced".
            [ask]
            Que devons-nous modifier dans notre DNS ?
            [fix]
            Vos enregistrements SPF et DKIM ne sont pas encore vérifiés : ajoutez-les via Settings → Email → Sender domain puis cliquez sur Verify.
        """),
        "es": _pool("""
            [subject]
            No llegan los correos de notificación
            [problem]
            Los aprobadores no reciben ningún correo de Brightloop.
            [detail]
            En la ejecución, el paso Send email aparece como "Bounced".
            [ask]
            ¿Qué tenemos que cambiar en el DNS?
            [fix]
            Vuestros registros SPF y DKIM aún no están verificados: añadidlos desde Settings → Email → Sender domain y pulsad Verify.
        """),
        "nl": _pool("""
            [subject]
            Notificatiemails komen niet aan
            [problem]
            Onze goedkeurders krijgen geen e-mailnotificaties van Brightloop.
            [detail]
            Bij de stap Send email staat "Bounced".
            [ask]
            Wat moeten we in onze DNS aanpassen?
            [fix]
            Jullie SPF- en DKIM-records zijn nog niet geverifieerd; voeg ze toe via Settings → Email → Sender domain en klik op Verify.
        """),
    },
    "api_rate_limit": {
        "en": _pool("""
            [subject]
            API returns 429 Too Many Requests
            Hitting API rate limits
            429 errors from Zapier
            API limits
            [problem]
            Our nightly import gets "429 Too Many Requests" after a few hundred calls.
            Zapier keeps failing with 429 although our script only sends a few requests.
            We hit the rate limit of {rpm} requests per minute during the sync with our data warehouse.
            Since we added a second integration, half of our API calls fail with rate_limit_exceeded.
            [detail]
            The Retry-After header says {retry} seconds.
            We use a page size of 25 at the moment.
            The response body is {{"error": "rate_limit_exceeded"}}.
            We poll for changes every few seconds.
            [ask]
            Is the limit per API key or per workspace?
            How should we handle this?
            Can you raise the limit for us?
            [fix]
            Limits apply per workspace, so Zapier and your script share the {rpm} requests per minute. Respecting Retry-After and using page size 100 should be enough.
            Subscribing to webhooks instead of polling would cut your calls a lot.
            Upgrading raises the limit (Growth 600, Enterprise 3,000 requests per minute); until then please back off exponentially on 429s.
        """),
        "de": _pool("""
            [subject]
            API liefert 429 Too Many Requests
            [problem]
            Unser nächtlicher Import bekommt nach einigen hundert Aufrufen "429 Too Many Requests".
            [detail]
            Der Retry-After-Header sagt {retry} Sekunden.
            [ask]
            Gilt das Limit pro API-Key oder pro Workspace?
            [fix]
            Das Limit gilt pro Workspace, alle Schlüssel und Tools teilen sich {rpm} Anfragen pro Minute. Bitte halten Sie Retry-After ein und nutzen Sie Seitengröße 100.
        """),
        "fr": _pool("""
            [subject]
            L'API renvoie 429 Too Many Requests
            [problem]
            Notre import nocturne reçoit "429 Too Many Requests" après quelques centaines d'appels.
            [detail]
            L'en-tête Retry-After indique {retry} secondes.
            [ask]
            La limite s'applique-t-elle par clé ou par espace de travail ?
            [fix]
            La limite s'applique par espace de travail : tous vos outils partagent {rpm} requêtes par minute. Respectez Retry-After et utilisez des pages de 100 éléments.
        """),
        "es": _pool("""
            [subject]
            La API devuelve 429 Too Many Requests
            [problem]
            Nuestra importación nocturna recibe "429 Too Many Requests" tras unos cientos de llamadas.
            [detail]
            La cabecera Retry-After indica {retry} segundos.
            [ask]
            ¿El límite es por clave o por espacio de trabajo?
            [fix]
            El límite es por espacio de trabajo: todas las herramientas comparten {rpm} peticiones por minuto. Respetad Retry-After y usad páginas de 100 elementos.
        """),
        "nl": _pool("""
            [subject]
            API geeft 429 Too Many Requests
            [problem]
            Onze nachtelijke import krijgt na een paar honderd calls "429 Too Many Requests".
            [detail]
            De Retry-After-header zegt {retry} seconden.
            [ask]
            Geldt de limiet per API-sleutel of per workspace?
            [fix]
            De limiet geldt per workspace; al jullie tools delen {rpm} requests per minuut. Houd je aan Retry-After en gebruik paginagrootte 100.
        """),
    },
    "onboarding": {
        "en": _pool("""
            [subject]
            Getting started – where to begin?
            Onboarding question
            New customer – a few questions
            Help with our setup
            [problem]
            Help building our first workflow >> We just signed and would like some guidance on setting up our first workflow.
            Booking our onboarding call >> How do we book the 60-minute onboarding call that's included in Growth?
            Question about roles >> I'm not sure which roles to give our {n_users} users – what's the difference between Builder and Member?
            Templates? >> We'd like to turn our existing {workflow} checklist into a template.
            Inviting the team >> Some invitations expired before people accepted them.
            We're not sure in which order to do SSO, integrations and the first workflow.
            [detail]
            We have about {n_users} people to invite.
            Our goal is to have {workflow} live by the end of the month.
            Our Salesforce admin is only available on {weekday}s.
            [ask]
            Could you point us to the right guide?
            Can someone walk us through it?
            What would you recommend?
            [fix]
            You can book your onboarding call from the Getting started checklist in the app – week 1 or 2 works best.
            Builders create and publish workflows and forms; Members fill in forms, complete tasks and approve requests.
            Invitations are valid for 7 days and can be resent under Settings → Users.
            Our onboarding guide suggests workspace and SSO in week 1, the first published workflow in week 2 and integrations in week 3.
        """),
        "de": _pool("""
            [subject]
            Wie fangen wir am besten an?
            [problem]
            Wir haben gerade unterschrieben und brauchen Unterstützung beim ersten Workflow.
            Onboarding-Gespräch buchen >> Wie buchen wir das 60-minütige Onboarding-Gespräch aus dem Growth-Tarif?
            [detail]
            Wir wollen etwa {n_users} Personen einladen.
            [ask]
            Können Sie uns einen Leitfaden empfehlen?
            [fix]
            Das Onboarding-Gespräch buchen Sie über die Getting-started-Checkliste in der App, am besten in Woche 1 oder 2.
        """),
        "fr": _pool("""
            [subject]
            Par où commencer ?
            [problem]
            Nous venons de signer et aimerions être accompagnés pour notre premier workflow.
            Comment réserver l'appel d'onboarding de 60 minutes inclus dans Growth ?
            [detail]
            Nous avons environ {n_users} personnes à inviter.
            [ask]
            Pouvez-vous nous indiquer le bon guide ?
            [fix]
            Vous pouvez réserver votre appel d'onboarding depuis la checklist Getting started dans l'application, idéalement en semaine 1 ou 2.
        """),
        "es": _pool("""
            [subject]
            ¿Por dónde empezamos?
            [problem]
            Acabamos de firmar y nos vendría bien ayuda con nuestro primer flujo.
            ¿Cómo reservamos la llamada de onboarding de 60 minutos incluida en Growth?
            [detail]
            Tenemos unas {n_users} personas que invitar.
            [ask]
            ¿Nos recomendáis alguna guía?
            [fix]
            Podéis reservar la llamada de onboarding desde la lista Getting started de la aplicación, mejor en la semana 1 o 2.
        """),
        "nl": _pool("""
            [subject]
            Waar beginnen we?
            [problem]
            We hebben net getekend en willen graag hulp bij onze eerste workflow.
            Hoe plannen we de onboardingcall van 60 minuten die bij Growth hoort?
            [detail]
            We willen ongeveer {n_users} mensen uitnodigen.
            [ask]
            Welke handleiding raden jullie aan?
            [fix]
            Je plant de onboardingcall via de Getting started-checklist in de app, het liefst in week 1 of 2.
        """),
    },
    "login_2fa": {
        "en": _pool("""
            [subject]
            Can't log in
            Login problem
            Locked out of my account
            [problem]
            Lost phone – need a 2FA reset >> I got a new phone and can't generate 2FA codes anymore.
            2FA code rejected >> My 2FA code is rejected every single time.
            Password reset link expired >> The password reset link says it has expired.
            I'm the Owner of our workspace and I'm locked out after losing my authenticator app.
            Password reset email not arriving >> The reset email never arrives, not even in spam.
            [detail]
            My email is {first_name_lower}@{domain}.
            I don't have my recovery codes anymore.
            Other colleagues can log in without problems.
            [ask]
            Can you reset it for me?
            What's the fastest way to get back in?
            [fix]
            An Admin can reset your 2FA under Settings → Users → Reset two-factor authentication.
            TOTP codes depend on your phone's clock – turning on automatic date and time fixes most rejections.
            Reset links are valid for 1 hour, so please request a new one and use it straight away.
            As you're the Owner, we first need to verify your identity; I've sent you the steps by email.
        """),
        "de": _pool("""
            [subject]
            Neues Handy – 2FA zurücksetzen
            [problem]
            Ich habe ein neues Handy und kann keine 2FA-Codes mehr erzeugen.
            [detail]
            Meine Recovery-Codes habe ich leider nicht mehr.
            [ask]
            Können Sie das bitte zurücksetzen?
            [fix]
            Ein Admin kann Ihre 2FA unter Settings → Users → Reset two-factor authentication zurücksetzen.
        """),
        "fr": _pool("""
            [subject]
            Nouveau téléphone – réinitialiser la 2FA
            [problem]
            J'ai changé de téléphone et je ne peux plus générer de codes 2FA.
            [detail]
            Je n'ai plus mes codes de récupération.
            [ask]
            Pouvez-vous la réinitialiser ?
            [fix]
            Un Admin peut réinitialiser votre 2FA via Settings → Users → Reset two-factor authentication.
        """),
        "es": _pool("""
            [subject]
            Móvil nuevo – restablecer 2FA
            [problem]
            Tengo un móvil nuevo y ya no puedo generar códigos 2FA.
            [detail]
            Ya no tengo los códigos de recuperación.
            [ask]
            ¿Me lo podéis restablecer?
            [fix]
            Un Admin puede restablecer tu 2FA en Settings → Users → Reset two-factor authentication.
        """),
        "nl": _pool("""
            [subject]
            Nieuwe telefoon – 2FA resetten
            [problem]
            Ik heb een nieuwe telefoon en kan geen 2FA-codes meer genereren.
            [detail]
            Mijn herstelcodes heb ik niet meer.
            [ask]
            Kunnen jullie die resetten?
            [fix]
            Een Admin kan je 2FA resetten via Settings → Users → Reset two-factor authentication.
        """),
    },
    "feature_request": {
        "en": _pool("""
            [subject]
            Feature request: {feature}
            Suggestion for the roadmap
            Would love to see {feature}
            Idea: {feature}
            [problem]
            It would be great if Brightloop supported {feature}.
            Our team keeps asking for {feature}.
            Is {feature} on the roadmap?
            We're missing {feature} for our {workflow} process.
            [detail]
            Today we work around it with a spreadsheet.
            Happy to join a beta or a customer interview.
            Other tools we looked at have this already.
            [ask]
            Any timeline you can share?
            Let me know if you need more details.
            [fix]
            Thanks for the suggestion – I've passed it to our product team and added your vote.
            This is on our list for next quarter; I've linked your ticket so you hear about it first.
        """),
        "de": _pool("""
            [subject]
            Funktionswunsch: {feature}
            [problem]
            Es wäre toll, wenn Brightloop {feature} unterstützen würde.
            [detail]
            Aktuell behelfen wir uns mit einer Tabelle.
            [ask]
            Ist das geplant?
            [fix]
            Danke für den Vorschlag – ich habe ihn an unser Produktteam weitergegeben.
        """),
        "fr": _pool("""
            [subject]
            Suggestion de fonctionnalité
            [problem]
            Ce serait génial que Brightloop propose {feature}.
            [detail]
            Pour l'instant nous contournons le problème avec un tableur.
            [ask]
            Est-ce prévu ?
            [fix]
            Merci pour la suggestion, je l'ai transmise à notre équipe produit.
        """),
        "es": _pool("""
            [subject]
            Sugerencia de funcionalidad
            [problem]
            Sería genial que Brightloop tuviera {feature}.
            [detail]
            De momento lo resolvemos con una hoja de cálculo.
            [ask]
            ¿Está previsto?
            [fix]
            Gracias por la sugerencia, se la he pasado a nuestro equipo de producto.
        """),
        "nl": _pool("""
            [subject]
            Featureverzoek
            [problem]
            Het zou mooi zijn als Brightloop {feature} zou ondersteunen.
            [detail]
            Nu lossen we het op met een spreadsheet.
            [ask]
            Staat dit op de planning?
            [fix]
            Bedankt voor de suggestie, ik heb hem doorgezet naar ons productteam.
        """),
    },
    "praise": {
        "en": _pool("""
            [subject]
            Thank you!
            Great help from {agent}
            Just wanted to say thanks
            Kudos to the support team
            [problem]
            Just wanted to say the {workflow} workflow saves us hours every week.
            Your colleague {agent} was fantastic in sorting out our setup.
            Since we went live, our onboarding time went down from weeks to days.
            The team loves the client portal – our clients noticed the difference too.
            [detail]
            We've now got {n_users} people using it daily.
            Keep up the great work.
            [ask]
            No action needed, just a thank you.
            Feel free to use this as a quote.
            [fix]
            Thank you so much for the kind words – I'll pass them on to the team!
            That made our day, thanks for taking the time to write.
        """),
        "de": _pool("""
            [subject]
            Danke!
            [problem]
            Wir wollten nur sagen: Der Workflow {workflow} spart uns jede Woche Stunden.
            [detail]
            Weiter so!
            [ask]
            Kein Handlungsbedarf, einfach nur danke.
            [fix]
            Vielen Dank für das nette Feedback, ich gebe es ans Team weiter!
        """),
        "fr": _pool("""
            [subject]
            Merci !
            [problem]
            Je voulais simplement dire que le workflow {workflow} nous fait gagner des heures chaque semaine.
            [detail]
            Continuez comme ça !
            [ask]
            Rien à faire, juste un grand merci.
            [fix]
            Merci beaucoup pour ce retour, je le transmets à l'équipe !
        """),
        "es": _pool("""
            [subject]
            ¡Gracias!
            [problem]
            Solo queríamos decir que el flujo {workflow} nos ahorra horas cada semana.
            [detail]
            ¡Seguid así!
            [ask]
            No hace falta hacer nada, solo dar las gracias.
            [fix]
            ¡Muchas gracias por el mensaje, se lo paso al equipo!
        """),
        "nl": _pool("""
            [subject]
            Dank jullie wel!
            [problem]
            We wilden even laten weten dat de workflow {workflow} ons elke week uren scheelt.
            [detail]
            Ga zo door!
            [ask]
            Geen actie nodig, gewoon bedankt.
            [fix]
            Heel erg bedankt voor het compliment, ik geef het door aan het team!
        """),
    },
}

# -- ticket conversation: the customer's follow-ups and the agent's replies ------------------

FOLLOWUPS: dict[str, Pool] = {
    "en": _pool("""
        [waiting]
        Hi, any update on this? We're still waiting.
        Still waiting for an answer – it's been {waited} days.
        No answer for days now. Is anyone looking at this?
        Following up again, we're still waiting and this is really holding us up.
        It's been {waited_hours} hours without a reply. Not great.
        Second follow-up and still no reply.
        I'm still waiting on a response. Can you at least confirm you received this?
        No reply for days. We're seriously disappointed with the support.
        Still waiting. Is email support even staffed?
        Day {waited} without an answer – please escalate.
        [thanks]
        That worked, thanks a lot!
        Perfect, all good now.
        Thanks {agent}, problem solved.
        Great, that fixed it – appreciate the help.
        Confirmed, it's working again. Thank you!
        Brilliant, thanks for the quick turnaround.
        [late_thanks]
        That worked, thanks. Shame it took so long to get an answer though.
        Fixed now. Would have been nice to hear back sooner.
        OK that solved it, but {waited} days for a reply is too long.
        [not_fixed]
        Unfortunately that didn't help, same error.
        We tried that already, still the same.
        Still broken on our side, see the attached screenshot.
        Did that, no change. Any other ideas?
        [info]
        Here's the run ID you asked for: {run_id}.
        Attached the screenshot, let me know if you need anything else.
        Our workspace URL is {slug}.brightloop.io.
    """),
    "de": _pool("""
        [waiting]
        Gibt es schon etwas Neues? Wir warten immer noch.
        Seit {waited} Tagen keine Antwort. Kümmert sich jemand darum?
        Immer noch keine Rückmeldung – bitte eskalieren.
        [thanks]
        Das hat funktioniert, vielen Dank!
        Super, jetzt läuft alles.
        [late_thanks]
        Jetzt geht es, danke. Die Antwort hat aber sehr lange gedauert.
        [not_fixed]
        Leider hat das nicht geholfen, gleicher Fehler.
        [info]
        Hier die gewünschte Run-ID: {run_id}.
    """),
    "fr": _pool("""
        [waiting]
        Avez-vous du nouveau ? Nous attendons toujours.
        Toujours pas de réponse après {waited} jours. Quelqu'un s'en occupe ?
        Toujours aucune réponse, merci d'escalader.
        [thanks]
        Ça fonctionne, merci beaucoup !
        Parfait, tout est rentré dans l'ordre.
        [late_thanks]
        C'est réglé, merci. Mais la réponse a mis bien trop longtemps.
        [not_fixed]
        Malheureusement ça n'a rien changé, même erreur.
        [info]
        Voici l'identifiant d'exécution demandé : {run_id}.
    """),
    "es": _pool("""
        [waiting]
        ¿Hay alguna novedad? Seguimos esperando.
        Llevamos {waited} días sin respuesta. ¿Alguien lo está mirando?
        Seguimos sin respuesta, por favor escaladlo.
        [thanks]
        ¡Ha funcionado, muchas gracias!
        Perfecto, ya está todo bien.
        [late_thanks]
        Ya funciona, gracias. Aunque la respuesta ha tardado demasiado.
        [not_fixed]
        Lamentablemente no ha servido, el mismo error.
        [info]
        Aquí tenéis el ID de ejecución: {run_id}.
    """),
    "nl": _pool("""
        [waiting]
        Is er al nieuws? We wachten nog steeds.
        Al {waited} dagen geen antwoord. Kijkt er iemand naar?
        Nog steeds geen reactie, graag escaleren.
        [thanks]
        Dat werkte, dank je wel!
        Top, alles werkt weer.
        [late_thanks]
        Het werkt nu, bedankt. Wel erg lang moeten wachten op antwoord.
        [not_fixed]
        Helaas hielp dat niet, dezelfde fout.
        [info]
        Hier is het gevraagde run-ID: {run_id}.
    """),
}

AGENT_LINES: dict[str, Pool] = {
    "en": _pool("""
        [hello]
        Hi {first_name},
        Hello {first_name},
        Hi {first_name}, thanks for reaching out.
        [first]
        Thanks for the details, and sorry for the trouble.
        Thanks for getting in touch – I've had a look at your workspace.
        Thanks for your patience while I checked this.
        Good question, happy to help.
        [apology]
        Apologies for the slow reply, we've had a very high volume of emails.
        Sorry for keeping you waiting so long.
        I'm sorry it took us this long to get back to you.
        [more]
        Could you send me a run ID and a screenshot of the error?
        Could you tell me roughly when this started?
        [resolved]
        Glad to hear it! I'll close this ticket now.
        Great, thanks for confirming. Closing this one.
        Happy it's sorted – don't hesitate to reach out again.
        [retry]
        Thanks for checking. I've escalated this to our engineers and will update you as soon as I hear back.
        I've looked again and found a second setting that needs changing – details below.
        [bye]
        Let me know if that helps.\\nBest,\\n{agent}\\nBrightloop Support
        I'll keep this ticket open until you confirm.\\n{agent} | Brightloop Support
        Best regards,\\n{agent}
    """),
    "de": _pool("""
        [hello]
        Hallo {first_name},
        Guten Tag {name},
        [first]
        Danke für die Details und entschuldigen Sie die Unannehmlichkeiten.
        [apology]
        Entschuldigen Sie die späte Antwort.
        [more]
        Können Sie mir bitte eine Run-ID und einen Screenshot schicken?
        [resolved]
        Freut mich! Ich schließe das Ticket jetzt.
        [retry]
        Ich habe das an unsere Entwickler weitergegeben und melde mich, sobald ich mehr weiß.
        [bye]
        Viele Grüße\\n{agent}\\nBrightloop Support
    """),
    "fr": _pool("""
        [hello]
        Bonjour {first_name},
        [first]
        Merci pour ces détails et désolé pour la gêne occasionnée.
        [apology]
        Toutes nos excuses pour ce délai de réponse.
        [more]
        Pourriez-vous m'envoyer un identifiant d'exécution et une capture d'écran ?
        [resolved]
        Ravi de l'apprendre ! Je clôture le ticket.
        [retry]
        J'ai transmis le sujet à nos ingénieurs et je reviens vers vous dès que possible.
        [bye]
        Bien cordialement,\\n{agent}\\nSupport Brightloop
    """),
    "es": _pool("""
        [hello]
        Hola {first_name}:
        [first]
        Gracias por los detalles y perdona las molestias.
        [apology]
        Disculpa la tardanza en responder.
        [more]
        ¿Me puedes enviar un ID de ejecución y una captura del error?
        [resolved]
        ¡Me alegro! Cierro el ticket.
        [retry]
        Lo he escalado a nuestros ingenieros y te aviso en cuanto sepa algo.
        [bye]
        Un saludo,\\n{agent}\\nSoporte de Brightloop
    """),
    "nl": _pool("""
        [hello]
        Hoi {first_name},
        [first]
        Bedankt voor de details en sorry voor het ongemak.
        [apology]
        Excuses voor de late reactie.
        [more]
        Kun je me een run-ID en een screenshot van de fout sturen?
        [resolved]
        Fijn om te horen! Ik sluit het ticket.
        [retry]
        Ik heb het doorgezet naar onze engineers en laat het je weten zodra ik meer weet.
        [bye]
        Groeten,\\n{agent}\\nBrightloop Support
    """),
}

# -- reviews ----------------------------------------------------------------------------------
# Aspects: pro_<aspect> and con_<aspect> sentences; the generator picks them from the
# reviewer's experience (slow email support, the price increase, SSO trouble...).

REVIEWS: dict[str, Pool] = {
    "en": _pool("""
        [title_pos]
        Saves us hours every week
        Finally, client onboarding without spreadsheets
        Great tool, great team
        Best workflow tool we've tried
        Does exactly what it says
        Our ops team loves it
        A must-have for B2B onboarding
        Approvals are finally under control
        Excellent product and support
        [title_neu]
        Solid, with a few rough edges
        Good product, support could be faster
        Does the job
        Powerful but takes time to learn
        Good value, some gaps in reporting
        Decent, not perfect
        [title_neg]
        Support is painfully slow
        SSO was a nightmare
        Price hike with nothing new
        Integrations keep breaking
        Not worth it anymore
        Disappointed after the pricing change
        Looked great in the demo, less so in practice
        Frustrating experience
        [intro]
        We're a {employees}-person {industry} company and use Brightloop for {use_case}.
        We've been on Brightloop for about {months} months, mostly for {use_case}.
        I run operations at a {employees}-person company and we moved our {use_case} to Brightloop last year.
        Used by {n_users} people in our team for {use_case}.
        We switched to Brightloop from email and spreadsheets for {use_case}.
        [pro_ease]
        The form builder is intuitive and our builders were productive on day one.
        Setting up a workflow from a template took us less than an hour.
        Even non-technical colleagues build their own workflows now.
        [pro_portal]
        The client portal is a big hit with our customers – no more chasing documents by email.
        Our clients love being able to see exactly what's expected of them.
        [pro_integrations]
        The {integration} integration just works and saves us a lot of double entry.
        Slack notifications and the mobile app make approvals fast.
        [pro_support]
        Chat support answers within minutes and actually knows the product.
        Our CSM is proactive and genuinely helpful.
        [pro_value]
        For what it does, the price is fair.
        It paid for itself within a couple of months.
        [pro_mobile]
        Approving on the go with the mobile app is a lifesaver.
        [con_support]
        Email support takes days to answer, which is painful when something is broken.
        We waited {waited} days for a first reply on an urgent ticket.
        Support by email is slow; chat is much better but only on higher plans.
        [con_pricing]
        The price went from €39 to €49 per user at our renewal with no new features.
        The 2026 price increase was hard to swallow and hard to justify internally.
        Our renewal came in about {pct}% higher, which feels unfair for a long-time customer.
        [con_sso]
        Setting up SSO with {idp} took weeks and support couldn't really help.
        We struggled with SAML errors for most of our onboarding.
        [con_integrations]
        The {integration} integration disconnects every now and then and workflows silently fail.
        After an update in the summer our {integration} sync broke for days.
        [con_reporting]
        Reporting gets slow with a lot of data.
        Dashboards could be more flexible.
        [con_learning]
        There's a learning curve for the more advanced workflow logic.
        Some settings are buried deep in menus.
        [con_limits]
        We hit our monthly workflow run allowance faster than expected.
        Extra workflow runs add up quickly.
        [outro_pos]
        Highly recommended.
        Would recommend to any B2B team.
        We're expanding it to more teams this year.
        [outro_neu]
        Overall a good tool if you can live with the gaps.
        Worth a look, but test it properly first.
        [outro_neg]
        We're evaluating alternatives.
        Can't recommend it at the moment.
        We won't be renewing.
    """),
    "de": _pool("""
        [title_pos]
        Spart uns jede Woche Stunden
        Klare Empfehlung
        [title_neu]
        Gut, aber mit Schwächen
        [title_neg]
        Support viel zu langsam
        Preiserhöhung ohne Mehrwert
        [intro]
        Wir sind ein Unternehmen mit {employees} Mitarbeitenden und nutzen Brightloop unter anderem für den Workflow {workflow}.
        [pro_ease]
        Der Formular-Editor ist intuitiv, die Vorlagen sind super.
        [pro_portal]
        Das Kundenportal kommt bei unseren Kunden sehr gut an.
        [pro_support]
        Der Chat-Support antwortet schnell und kompetent.
        [pro_value]
        Das Preis-Leistungs-Verhältnis stimmt.
        [con_support]
        Per E-Mail wartet man tagelang auf eine Antwort.
        [con_pricing]
        Bei der Verlängerung ist der Preis von 39 € auf 49 € pro Nutzer gestiegen – ohne neue Funktionen.
        [con_sso]
        Die SSO-Einrichtung mit {idp} hat uns Wochen gekostet.
        [con_integrations]
        Die {integration}-Integration bricht immer wieder ab.
        [con_reporting]
        Die Berichte werden bei vielen Daten langsam.
        [outro_pos]
        Absolut empfehlenswert.
        [outro_neu]
        Insgesamt solide.
        [outro_neg]
        Wir sehen uns nach Alternativen um.
    """),
    "fr": _pool("""
        [title_pos]
        Un gain de temps énorme
        Très bon outil
        [title_neu]
        Bien, mais perfectible
        [title_neg]
        Support beaucoup trop lent
        Hausse de prix injustifiée
        [intro]
        Nous sommes une entreprise de {employees} personnes et utilisons Brightloop notamment pour le workflow {workflow}.
        [pro_ease]
        L'éditeur de formulaires est intuitif et les modèles font gagner beaucoup de temps.
        [pro_portal]
        Nos clients adorent le portail client.
        [pro_support]
        Le support par chat répond vite et bien.
        [pro_value]
        Le rapport qualité-prix est correct.
        [con_support]
        Par e-mail, il faut attendre plusieurs jours pour avoir une réponse.
        [con_pricing]
        Le prix est passé de 39 € à 49 € par utilisateur au renouvellement, sans nouveauté.
        [con_sso]
        La mise en place du SSO avec {idp} nous a pris des semaines.
        [con_integrations]
        L'intégration {integration} se déconnecte régulièrement.
        [con_reporting]
        Les rapports deviennent lents avec beaucoup de données.
        [outro_pos]
        Je recommande vivement.
        [outro_neu]
        Globalement correct.
        [outro_neg]
        Nous cherchons une alternative.
    """),
    "es": _pool("""
        [title_pos]
        Nos ahorra horas cada semana
        Muy recomendable
        [title_neu]
        Bien, pero mejorable
        [title_neg]
        Soporte demasiado lento
        Subida de precio sin sentido
        [intro]
        Somos una empresa de {employees} empleados y usamos Brightloop, entre otras cosas, para el flujo {workflow}.
        [pro_ease]
        El editor de formularios es intuitivo y las plantillas ayudan mucho.
        [pro_portal]
        A nuestros clientes les encanta el portal.
        [pro_support]
        El soporte por chat responde rápido y bien.
        [pro_value]
        La relación calidad-precio es buena.
        [con_support]
        Por correo tardan días en responder.
        [con_pricing]
        En la renovación el precio pasó de 39 € a 49 € por usuario sin ninguna novedad.
        [con_sso]
        Configurar el SSO con {idp} nos llevó semanas.
        [con_integrations]
        La integración con {integration} se desconecta a menudo.
        [con_reporting]
        Los informes se vuelven lentos con muchos datos.
        [outro_pos]
        Lo recomiendo.
        [outro_neu]
        En general, correcto.
        [outro_neg]
        Estamos buscando alternativas.
    """),
    "nl": _pool("""
        [title_pos]
        Scheelt ons elke week uren
        Echt een aanrader
        [title_neu]
        Goed, maar kan beter
        [title_neg]
        Support veel te traag
        Prijsverhoging zonder meerwaarde
        [intro]
        We zijn een bedrijf met {employees} medewerkers en gebruiken Brightloop onder meer voor de workflow {workflow}.
        [pro_ease]
        De formulierbouwer is intuïtief en de templates besparen veel tijd.
        [pro_portal]
        Onze klanten zijn erg blij met het klantportaal.
        [pro_support]
        De chatsupport reageert snel en deskundig.
        [pro_value]
        De prijs-kwaliteitverhouding is goed.
        [con_support]
        Per e-mail wacht je dagen op antwoord.
        [con_pricing]
        Bij de verlenging ging de prijs van €39 naar €49 per gebruiker, zonder nieuwe functies.
        [con_sso]
        SSO inrichten met {idp} kostte ons weken.
        [con_integrations]
        De {integration}-koppeling valt regelmatig weg.
        [con_reporting]
        Rapportages worden traag bij veel data.
        [outro_pos]
        Zeker een aanrader.
        [outro_neu]
        Over het algemeen prima.
        [outro_neg]
        We kijken naar alternatieven.
    """),
}

# -- survey comments: NPS by score band and topic, CSAT by score band ------------------------

SURVEYS: dict[str, Pool] = {
    "en": _pool("""
        [nps_promoter]
        Brightloop has become the backbone of our client onboarding.
        Great product and an even better CSM.
        We've rolled it out to {teams} teams and everyone loves it.
        Already recommended it to two partners.
        Our onboarding time went down by more than half.
        Reliable, easy to use and the team listens to feedback.
        Best decision we made this year for our ops team.
        Excellent – the client portal alone is worth it.
        [nps_passive]
        Good tool, but reporting could be better.
        Does the job; email support is slow.
        Solid product, a few features missing for us.
        Works well once it's set up, setup took a while.
        Happy overall, but the price is on the high side.
        [nps_detractor]
        Email support takes days to respond.
        Too many issues with integrations disconnecting.
        Not enough value for what we pay.
        Setup was painful and we're still not fully live.
        The product is fine, the support experience is not.
        [nps_pricing]
        A 25% price increase at renewal without new features is not OK.
        We're reconsidering after the new pricing.
        The price change has made this a hard sell internally.
        Price went up, service didn't.
        [nps_sso]
        SSO setup was a disaster and we're still not live.
        We couldn't get SAML working with {idp}, the team never really started.
        [csat_good]
        Quick and helpful!
        {agent} solved it in minutes.
        Fast, friendly and to the point.
        Perfect, thanks for the quick fix.
        Great support as always.
        [csat_mid]
        Fine in the end, but it took a while.
        Solved, though I had to explain the issue twice.
        OK answer, a bit generic.
        [csat_bad]
        Took {waited} days to get a first answer.
        Slow, and the first reply didn't help.
        Nobody answered for days.
        Waiting this long for a reply is not acceptable.
        The answer just linked to an article I had already read.
    """),
    "de": _pool("""
        [nps_promoter]
        Brightloop ist aus unserem Kunden-Onboarding nicht mehr wegzudenken.
        Tolles Produkt und ein sehr engagierter CSM.
        [nps_passive]
        Gutes Tool, aber das Reporting könnte besser sein.
        [nps_detractor]
        Der E-Mail-Support braucht Tage für eine Antwort.
        [nps_pricing]
        Eine Preiserhöhung von 25 % ohne neue Funktionen ist nicht in Ordnung.
        [nps_sso]
        Die SSO-Einrichtung war ein Desaster.
        [csat_good]
        Schnell und hilfreich, danke!
        [csat_mid]
        Am Ende gelöst, aber es hat gedauert.
        [csat_bad]
        {waited} Tage bis zur ersten Antwort.
    """),
    "fr": _pool("""
        [nps_promoter]
        Brightloop est devenu indispensable pour l'onboarding de nos clients.
        Excellent produit et une CSM très réactive.
        [nps_passive]
        Bon outil, mais le reporting pourrait être meilleur.
        [nps_detractor]
        Le support par e-mail met des jours à répondre.
        [nps_pricing]
        Une hausse de 25 % au renouvellement sans nouvelles fonctionnalités, ce n'est pas acceptable.
        [nps_sso]
        La mise en place du SSO a été un désastre.
        [csat_good]
        Rapide et efficace, merci !
        [csat_mid]
        Résolu, mais cela a pris du temps.
        [csat_bad]
        {waited} jours avant une première réponse.
    """),
    "es": _pool("""
        [nps_promoter]
        Brightloop es ya imprescindible para el onboarding de nuestros clientes.
        Gran producto y un CSM muy implicado.
        [nps_passive]
        Buena herramienta, aunque los informes podrían mejorar.
        [nps_detractor]
        El soporte por correo tarda días en responder.
        [nps_pricing]
        Una subida del 25 % en la renovación sin funciones nuevas no es aceptable.
        [nps_sso]
        La configuración del SSO fue un desastre.
        [csat_good]
        ¡Rápido y útil, gracias!
        [csat_mid]
        Resuelto, pero tardó bastante.
        [csat_bad]
        {waited} días hasta la primera respuesta.
    """),
    "nl": _pool("""
        [nps_promoter]
        Brightloop is niet meer weg te denken uit onze klantonboarding.
        Top product en een zeer betrokken CSM.
        [nps_passive]
        Goede tool, maar de rapportages kunnen beter.
        [nps_detractor]
        De e-mailsupport doet er dagen over om te reageren.
        [nps_pricing]
        Een prijsverhoging van 25% bij verlenging zonder nieuwe functies is niet oké.
        [nps_sso]
        Het inrichten van SSO was een drama.
        [csat_good]
        Snel en behulpzaam, bedankt!
        [csat_mid]
        Uiteindelijk opgelost, maar het duurde even.
        [csat_bad]
        {waited} dagen tot het eerste antwoord.
    """),
}

# -- chats: per topic a visitor question, a follow-up and the bot's grounded answers ---------
# url is the page the widget was opened on; answers cite facts from the knowledge base.

CHAT_PAGES: dict[str, list[str]] = {
    "pricing": ["https://www.brightloop.io/pricing", "https://www.brightloop.io/pricing/compare"],
    "sso_plans": [
        "https://www.brightloop.io/pricing/compare",
        "https://www.brightloop.io/security",
    ],
    "trial": ["https://help.brightloop.io/articles/free-trial", "https://www.brightloop.io/"],
    "security": [
        "https://www.brightloop.io/security",
        "https://www.brightloop.io/security/data-residency",
    ],
    "enterprise": ["https://www.brightloop.io/pricing", "https://www.brightloop.io/contact-sales"],
    "partners": ["https://www.brightloop.io/partners"],
    "sso_error": [
        "https://help.brightloop.io/articles/sso-troubleshooting",
        "https://help.brightloop.io/articles/sso-setup-okta",
    ],
    "integration_disconnected": [
        "https://help.brightloop.io/articles/troubleshooting-integrations",
        "https://help.brightloop.io/articles/salesforce-integration",
    ],
    "workflow": [
        "https://help.brightloop.io/articles/troubleshooting-workflows",
        "https://help.brightloop.io/articles/first-workflow",
    ],
    "billing": ["https://help.brightloop.io/articles/billing-and-invoices"],
    "pricing_change": [
        "https://help.brightloop.io/articles/pricing-change-2026",
        "https://help.brightloop.io/articles/contract-renewal",
    ],
    "api": ["https://help.brightloop.io/articles/api-rate-limits"],
    "support_hours": ["https://help.brightloop.io/articles/support-hours-and-sla"],
}

CHATS: dict[str, dict[str, Pool]] = {
    "pricing": {
        "en": _pool("""
            [question]
            How much does the Growth plan cost?
            What would Brightloop cost for about {seats} users?
            Is there a discount if we pay annually?
            what's the difference in price between starter and growth?
            [followup]
            And is there a limit on the number of users on Growth?
            Do you invoice in GBP as well?
            What happens if we go over the workflow runs?
            [answer]
            Growth is €49 per user/month billed annually or €59 billed monthly, with unlimited users and 50,000 workflow runs per month. Starter is €19 per user/month annually (€24 monthly) for up to 10 users.
            Annual billing is cheaper: Starter €19 instead of €24 and Growth €49 instead of €59 per user/month. Enterprise has custom pricing from 50 seats.
            [answer2]
            Growth has unlimited users. Invoices can be issued in EUR, USD or GBP, and extra workflow runs cost €10 per 1,000 runs.
        """),
        "de": _pool("""
            [question]
            Was kostet der Growth-Tarif?
            Was würde Brightloop für etwa {seats} Nutzer kosten?
            [followup]
            Gibt es bei Growth eine Nutzerbegrenzung?
            [answer]
            Growth kostet 49 € pro Nutzer und Monat bei jährlicher Zahlung oder 59 € bei monatlicher Zahlung, mit unbegrenzten Nutzern und 50.000 Workflow-Runs pro Monat.
            [answer2]
            Growth hat keine Nutzerbegrenzung; zusätzliche Runs kosten 10 € pro 1.000 Runs.
        """),
        "fr": _pool("""
            [question]
            Combien coûte l'offre Growth ?
            Quel serait le prix pour environ {seats} utilisateurs ?
            [followup]
            Le nombre d'utilisateurs est-il limité sur Growth ?
            [answer]
            Growth coûte 49 € par utilisateur et par mois en annuel, ou 59 € en mensuel, avec utilisateurs illimités et 50 000 exécutions de workflow par mois.
            [answer2]
            Growth n'a pas de limite d'utilisateurs ; les exécutions supplémentaires coûtent 10 € les 1 000.
        """),
        "es": _pool("""
            [question]
            ¿Cuánto cuesta el plan Growth?
            ¿Cuánto costaría Brightloop para unos {seats} usuarios?
            [followup]
            ¿Hay límite de usuarios en Growth?
            [answer]
            Growth cuesta 49 € por usuario y mes con pago anual o 59 € con pago mensual, con usuarios ilimitados y 50.000 ejecuciones al mes.
            [answer2]
            Growth no tiene límite de usuarios; las ejecuciones adicionales cuestan 10 € por cada 1.000.
        """),
        "nl": _pool("""
            [question]
            Wat kost het Growth-abonnement?
            Wat kost Brightloop voor ongeveer {seats} gebruikers?
            [followup]
            Zit er een limiet op het aantal gebruikers bij Growth?
            [answer]
            Growth kost €49 per gebruiker per maand bij jaarlijkse betaling of €59 per maand, met onbeperkt gebruikers en 50.000 workflow-runs per maand.
            [answer2]
            Growth heeft geen gebruikerslimiet; extra runs kosten €10 per 1.000 runs.
        """),
    },
    "sso_plans": {
        "en": _pool("""
            [question]
            Does Starter include SSO?
            Do you support Okta for single sign-on?
            We need SAML SSO with Entra ID – which plan do we need?
            is sso part of the trial?
            [followup]
            And SCIM provisioning?
            Can we enforce SSO for everyone?
            [answer]
            SAML single sign-on is included in Growth and Enterprise, not in Starter. There are setup guides for Okta, Microsoft Entra ID, Google Workspace and OneLogin, and you can test SSO during the 14-day trial.
            SSO is available on Growth and Enterprise. Starter has two-factor authentication (TOTP) but no SSO.
            [answer2]
            SCIM user provisioning is part of Enterprise. SSO enforcement is optional – we recommend testing with enforcement off before turning it on.
        """),
        "de": _pool("""
            [question]
            Ist SSO im Starter-Tarif enthalten?
            [followup]
            Und SCIM?
            [answer]
            SAML-SSO ist in Growth und Enterprise enthalten, nicht in Starter. Es gibt Anleitungen für Okta, Microsoft Entra ID, Google Workspace und OneLogin.
            [answer2]
            SCIM-Provisionierung gehört zum Enterprise-Tarif.
        """),
        "fr": _pool("""
            [question]
            Le SSO est-il inclus dans Starter ?
            [followup]
            Et le SCIM ?
            [answer]
            Le SSO SAML est inclus dans Growth et Enterprise, pas dans Starter. Des guides existent pour Okta, Microsoft Entra ID, Google Workspace et OneLogin.
            [answer2]
            Le provisionnement SCIM fait partie de l'offre Enterprise.
        """),
        "es": _pool("""
            [question]
            ¿El plan Starter incluye SSO?
            [followup]
            ¿Y SCIM?
            [answer]
            El SSO SAML está incluido en Growth y Enterprise, no en Starter. Hay guías para Okta, Microsoft Entra ID, Google Workspace y OneLogin.
            [answer2]
            El aprovisionamiento SCIM forma parte de Enterprise.
        """),
        "nl": _pool("""
            [question]
            Zit SSO in het Starter-abonnement?
            [followup]
            En SCIM?
            [answer]
            SAML SSO zit in Growth en Enterprise, niet in Starter. Er zijn handleidingen voor Okta, Microsoft Entra ID, Google Workspace en OneLogin.
            [answer2]
            SCIM-provisioning hoort bij Enterprise.
        """),
    },
    "trial": {
        "en": _pool("""
            [question]
            How long is the free trial?
            Do I need a credit card for the trial?
            Can I invite my team during the trial?
            [followup]
            What happens when the trial ends?
            Does the trial include integrations?
            [answer]
            The trial lasts 14 days with all Growth features, and you don't need a credit card.
            You get 14 days with Growth features, unlimited users and integrations such as Salesforce, HubSpot and Slack – no credit card required.
            [answer2]
            At the end of the trial you can choose a plan to keep your workspace; trial workspaces can't buy extra workflow runs.
        """),
        "de": _pool("""
            [question]
            Wie lange dauert die kostenlose Testphase?
            [answer]
            Die Testphase dauert 14 Tage mit allen Growth-Funktionen, ohne Kreditkarte.
        """),
        "fr": _pool("""
            [question]
            Combien de temps dure l'essai gratuit ?
            [answer]
            L'essai dure 14 jours avec toutes les fonctionnalités Growth, sans carte bancaire.
        """),
        "es": _pool("""
            [question]
            ¿Cuánto dura la prueba gratuita?
            [answer]
            La prueba dura 14 días con todas las funciones de Growth y sin tarjeta de crédito.
        """),
        "nl": _pool("""
            [question]
            Hoe lang duurt de gratis proefperiode?
            [answer]
            De proefperiode duurt 14 dagen met alle Growth-functies, zonder creditcard.
        """),
    },
    "security": {
        "en": _pool("""
            [question]
            Are you SOC 2 certified?
            Where is our data hosted?
            Can we sign a DPA?
            Do you offer EU data residency?
            [followup]
            Is there an uptime SLA?
            [answer]
            Brightloop is SOC 2 Type II and ISO 27001 certified and GDPR compliant; you can sign our Data Processing Agreement in the app.
            Data is hosted in Frankfurt (EU) and Virginia (US). Enterprise customers can choose EU or US data residency.
            [answer2]
            Enterprise plans include a 99.9% uptime SLA; live status is at https://status.brightloop.io.
        """),
        "de": _pool("""
            [question]
            Wo werden unsere Daten gehostet?
            [answer]
            Die Daten liegen in Frankfurt (EU) und Virginia (US); Enterprise-Kunden können EU- oder US-Datenresidenz wählen.
        """),
        "fr": _pool("""
            [question]
            Où sont hébergées nos données ?
            [answer]
            Les données sont hébergées à Francfort (UE) et en Virginie (US) ; les clients Enterprise peuvent choisir la résidence UE ou US.
        """),
        "es": _pool("""
            [question]
            ¿Dónde se alojan nuestros datos?
            [answer]
            Los datos se alojan en Fráncfort (UE) y Virginia (EE. UU.); los clientes Enterprise pueden elegir residencia en la UE o en EE. UU.
        """),
        "nl": _pool("""
            [question]
            Waar worden onze gegevens gehost?
            [answer]
            De gegevens staan in Frankfurt (EU) en Virginia (VS); Enterprise-klanten kunnen kiezen voor EU- of VS-dataresidentie.
        """),
    },
    "enterprise": {
        "en": _pool("""
            [question]
            We have about {seats} users and need SCIM and an SLA – can we get a quote?
            What does Enterprise cost for {seats} seats?
            We're looking for a workflow platform for our whole company, can I speak to sales?
            [followup]
            Can we get a multi-year price lock?
            Do you have a dedicated CSM?
            [answer]
            Enterprise has custom pricing from 50 seats and includes SCIM, audit-log export, a 99.9% uptime SLA, EU or US data residency and a dedicated CSM and onboarding manager. I can connect you with our sales team for a quote.
            [answer2]
            Enterprise customers can ask for a 2- or 3-year price lock, and every Enterprise account gets a dedicated customer success manager.
        """),
        "de": _pool("""
            [question]
            Wir haben rund {seats} Nutzer und brauchen SCIM – können wir ein Angebot bekommen?
            [answer]
            Enterprise hat individuelle Preise ab 50 Nutzern, inklusive SCIM, 99,9 % SLA und eigenem CSM. Ich verbinde Sie gern mit unserem Vertrieb.
        """),
        "fr": _pool("""
            [question]
            Nous avons environ {seats} utilisateurs et avons besoin du SCIM : pouvons-nous avoir un devis ?
            [answer]
            Enterprise est sur devis à partir de 50 utilisateurs, avec SCIM, SLA de 99,9 % et CSM dédié. Je peux vous mettre en relation avec notre équipe commerciale.
        """),
        "es": _pool("""
            [question]
            Tenemos unos {seats} usuarios y necesitamos SCIM, ¿nos podéis pasar un presupuesto?
            [answer]
            Enterprise tiene precio a medida desde 50 usuarios, con SCIM, SLA del 99,9 % y CSM dedicado. Te pongo en contacto con nuestro equipo comercial.
        """),
        "nl": _pool("""
            [question]
            We hebben zo'n {seats} gebruikers en hebben SCIM nodig, kunnen we een offerte krijgen?
            [answer]
            Enterprise heeft maatwerkprijzen vanaf 50 gebruikers, met SCIM, 99,9% SLA en een eigen CSM. Ik breng je graag in contact met sales.
        """),
    },
    "partners": {
        "en": _pool("""
            [question]
            How does your partner programme work?
            We're an agency implementing tools for clients – can we become a partner?
            [answer]
            Partners earn a 20% referral commission on customers they refer and get a free partner workspace, training and a dedicated partner manager. You can apply on the partner page.
        """),
    },
    "sso_error": {
        "en": _pool("""
            [question]
            Our SSO login fails with "{saml_error}" – what does that mean?
            SSO isn't working, users get "{saml_error}" after signing in with {idp}
            Help, nobody on my team can log in via SSO
            we keep getting a redirect loop with sso
            [followup]
            We checked that already and it still fails.
            Where do I upload the new certificate?
            Can I turn off enforcement for now?
            [answer]
            "Invalid SAML response: audience mismatch" means the Entity ID in your IdP is wrong – set it to https://app.brightloop.io/sso/saml/metadata and check the ACS URL https://app.brightloop.io/sso/saml/acs.
            "Certificate expired" means your IdP's signing certificate has expired: rotate it, then upload it under Settings → Security → Single sign-on → Configure SAML and click Test SSO connection.
            "Assertion expired" usually means the IdP clock is more than 3 minutes off; syncing it via NTP fixes it.
            For a redirect loop, clear cookies for app.brightloop.io and check that your SSO domain shows Verified under Settings → Security → Single sign-on.
            [answer2]
            You'll find it under Settings → Security → Single sign-on → Configure SAML. SSO enforcement is optional, so you can switch it off while you test.
        """),
        "de": _pool("""
            [question]
            Unser SSO-Login scheitert mit "{saml_error}" – was heißt das?
            [followup]
            Das haben wir schon geprüft, es klappt trotzdem nicht.
            [answer]
            "Invalid SAML response: audience mismatch" bedeutet, dass die Entity ID im IdP falsch ist – sie muss https://app.brightloop.io/sso/saml/metadata lauten.
            [answer2]
            Das Zertifikat laden Sie unter Settings → Security → Single sign-on → Configure SAML hoch.
        """),
        "fr": _pool("""
            [question]
            Notre connexion SSO échoue avec "{saml_error}", qu'est-ce que cela signifie ?
            [followup]
            Nous l'avons déjà vérifié, ça ne marche toujours pas.
            [answer]
            "Invalid SAML response: audience mismatch" signifie que l'Entity ID de votre IdP est incorrect : il doit être https://app.brightloop.io/sso/saml/metadata.
            [answer2]
            Le certificat s'importe dans Settings → Security → Single sign-on → Configure SAML.
        """),
        "es": _pool("""
            [question]
            Nuestro inicio de sesión SSO falla con "{saml_error}", ¿qué significa?
            [followup]
            Ya lo hemos revisado y sigue fallando.
            [answer]
            "Invalid SAML response: audience mismatch" significa que el Entity ID de vuestro IdP es incorrecto: debe ser https://app.brightloop.io/sso/saml/metadata.
            [answer2]
            El certificado se sube en Settings → Security → Single sign-on → Configure SAML.
        """),
        "nl": _pool("""
            [question]
            Onze SSO-login faalt met "{saml_error}", wat betekent dat?
            [followup]
            Dat hebben we al gecontroleerd, het werkt nog steeds niet.
            [answer]
            "Invalid SAML response: audience mismatch" betekent dat de Entity ID in jullie IdP niet klopt: die moet https://app.brightloop.io/sso/saml/metadata zijn.
            [answer2]
            Het certificaat upload je via Settings → Security → Single sign-on → Configure SAML.
        """),
    },
    "integration_disconnected": {
        "en": _pool("""
            [question]
            Our {integration} integration says "Integration disconnected", how do I fix it?
            {integration} stopped syncing since the update
            Why does {integration} keep disconnecting?
            [followup]
            I reconnected and it dropped again an hour later.
            How do I retry the failed runs?
            [answer]
            Go to Settings → Integrations, click Reconnect next to {integration} and sign in with an active account – ideally a dedicated service account. Then retry the failed runs from the workflow's Runs tab.
            An integration disconnects when the OAuth token of the user who connected it expires, for example after that user was deactivated. Reconnecting with a service account prevents it.
            [answer2]
            Open the workflow, go to the Runs tab and retry the runs that failed while the integration was disconnected.
        """),
        "de": _pool("""
            [question]
            Unsere {integration}-Integration zeigt "Integration disconnected" – was tun?
            [followup]
            Nach dem Neuverbinden war sie eine Stunde später wieder getrennt.
            [answer]
            Klicken Sie unter Settings → Integrations bei {integration} auf Reconnect und melden Sie sich mit einem aktiven Konto an, am besten einem Service-Konto.
            [answer2]
            Fehlgeschlagene Runs können Sie im Tab Runs des Workflows erneut starten.
        """),
        "fr": _pool("""
            [question]
            Notre intégration {integration} affiche "Integration disconnected", que faire ?
            [followup]
            Après reconnexion, elle s'est de nouveau déconnectée une heure plus tard.
            [answer]
            Dans Settings → Integrations, cliquez sur Reconnect à côté de {integration} et connectez-vous avec un compte actif, idéalement un compte de service.
            [answer2]
            Vous pouvez relancer les exécutions en échec depuis l'onglet Runs du workflow.
        """),
        "es": _pool("""
            [question]
            Nuestra integración con {integration} muestra "Integration disconnected", ¿qué hago?
            [followup]
            La reconecté y una hora después volvió a desconectarse.
            [answer]
            En Settings → Integrations, pulsa Reconnect junto a {integration} e inicia sesión con una cuenta activa, mejor una cuenta de servicio.
            [answer2]
            Las ejecuciones fallidas se pueden reintentar desde la pestaña Runs del flujo.
        """),
        "nl": _pool("""
            [question]
            Onze {integration}-koppeling staat op "Integration disconnected", wat nu?
            [followup]
            Na opnieuw koppelen was hij een uur later weer verbroken.
            [answer]
            Ga naar Settings → Integrations, klik bij {integration} op Reconnect en log in met een actief account, het liefst een serviceaccount.
            [answer2]
            Mislukte runs start je opnieuw via het tabblad Runs van de workflow.
        """),
    },
    "workflow": {
        "en": _pool("""
            [question]
            My workflow isn't triggering, what should I check?
            Why are my runs showing as skipped?
            workflow stopped running mid month??
            [followup]
            It says Active though.
            Where do I see the usage?
            [answer]
            Check three things: the trigger is Active (a Draft or Paused workflow won't run), the filter conditions match your data (Show skipped in the Runs tab tells you which failed), and your monthly run allowance or usage cap isn't reached.
            Skipped runs mean a filter condition didn't match. Enable Show skipped in the Runs tab to see which condition failed.
            [answer2]
            Usage is under Settings → Billing → Usage: Starter includes 5,000 runs per month and Growth 50,000. If an Owner set a usage cap, workflows stop triggering when it's reached.
        """),
        "de": _pool("""
            [question]
            Mein Workflow startet nicht – was soll ich prüfen?
            [answer]
            Prüfen Sie, ob der Trigger aktiv ist, ob die Filterbedingungen passen (Show skipped im Tab Runs) und ob das monatliche Run-Kontingent erreicht ist.
        """),
        "fr": _pool("""
            [question]
            Mon workflow ne se déclenche pas, que dois-je vérifier ?
            [answer]
            Vérifiez que le déclencheur est actif, que les conditions de filtre correspondent (Show skipped dans l'onglet Runs) et que votre quota mensuel d'exécutions n'est pas atteint.
        """),
        "es": _pool("""
            [question]
            Mi flujo no se activa, ¿qué debo revisar?
            [answer]
            Revisa que el disparador esté activo, que las condiciones del filtro coincidan (Show skipped en la pestaña Runs) y que no se haya alcanzado el límite mensual de ejecuciones.
        """),
        "nl": _pool("""
            [question]
            Mijn workflow start niet, wat moet ik controleren?
            [answer]
            Controleer of de trigger actief is, of de filtervoorwaarden kloppen (Show skipped in het tabblad Runs) en of het maandelijkse aantal runs niet bereikt is.
        """),
    },
    "billing": {
        "en": _pool("""
            [question]
            Where can I download our invoices?
            How do I add our VAT ID?
            Can we pay by bank transfer?
            [followup]
            Can I add a PO number?
            [answer]
            Invoices are under Settings → Billing → Invoices, where you can download them as PDF. Your VAT ID, billing address and company name are under Settings → Billing → Billing details.
            Bank transfer is available for annual contracts of €5,000 or more; card payments work with Visa, Mastercard and American Express.
            [answer2]
            Yes – add your PO number under Settings → Billing → Billing details before the invoice is issued.
        """),
        "de": _pool("""
            [question]
            Wo finde ich unsere Rechnungen?
            [answer]
            Die Rechnungen finden Sie unter Settings → Billing → Invoices als PDF.
        """),
        "fr": _pool("""
            [question]
            Où puis-je télécharger nos factures ?
            [answer]
            Les factures se trouvent dans Settings → Billing → Invoices, au format PDF.
        """),
        "es": _pool("""
            [question]
            ¿Dónde descargo nuestras facturas?
            [answer]
            Las facturas están en Settings → Billing → Invoices y se descargan en PDF.
        """),
        "nl": _pool("""
            [question]
            Waar kan ik onze facturen downloaden?
            [answer]
            Je vindt de facturen onder Settings → Billing → Invoices als pdf.
        """),
    },
    "pricing_change": {
        "en": _pool("""
            [question]
            Why is our renewal more expensive than last year?
            Is the new pricing applied to our current contract already?
            Your prices went up 25%, seriously?
            Can we keep the old Growth price of €39?
            [followup]
            That's a big increase for us. Can I talk to someone?
            How do I cancel if we don't want to renew?
            [answer]
            On 15 March 2026 we announced new pricing, effective 1 May 2026: Growth went from €39 to €49 per user/month billed annually. Existing customers keep their current price until their first renewal after 1 May 2026.
            Your price stays as it is until your next renewal after 1 May 2026; the renewal notice email 60 days before the end of your term shows what you'll pay. Enterprise customers can ask their CSM for a 2- or 3-year price lock.
            [answer2]
            To cancel, give notice at least 30 days before your term ends under Settings → Billing → Cancel plan; the plan stays active until the end of the term.
        """),
        "de": _pool("""
            [question]
            Warum ist unsere Verlängerung teurer als letztes Jahr?
            [followup]
            Das ist für uns eine große Erhöhung. Kann ich mit jemandem sprechen?
            [answer]
            Am 15. März 2026 haben wir neue Preise ab 1. Mai 2026 angekündigt: Growth stieg von 39 € auf 49 € pro Nutzer und Monat. Bestandskunden zahlen den alten Preis bis zur ersten Verlängerung nach dem 1. Mai 2026.
            [answer2]
            Eine Kündigung ist bis 30 Tage vor Laufzeitende unter Settings → Billing → Cancel plan möglich.
        """),
        "fr": _pool("""
            [question]
            Pourquoi notre renouvellement est-il plus cher que l'an dernier ?
            [followup]
            C'est une grosse hausse pour nous. Puis-je parler à quelqu'un ?
            [answer]
            Le 15 mars 2026, nous avons annoncé de nouveaux tarifs applicables au 1er mai 2026 : Growth passe de 39 € à 49 € par utilisateur et par mois. Les clients existants gardent leur prix jusqu'au premier renouvellement après le 1er mai 2026.
            [answer2]
            Pour résilier, donnez votre préavis au moins 30 jours avant la fin du contrat dans Settings → Billing → Cancel plan.
        """),
        "es": _pool("""
            [question]
            ¿Por qué nuestra renovación es más cara que el año pasado?
            [followup]
            Es una subida importante para nosotros. ¿Puedo hablar con alguien?
            [answer]
            El 15 de marzo de 2026 anunciamos nuevos precios a partir del 1 de mayo de 2026: Growth pasó de 39 € a 49 € por usuario y mes. Los clientes actuales mantienen su precio hasta la primera renovación después del 1 de mayo de 2026.
            [answer2]
            Para cancelar, avisa al menos 30 días antes del fin del contrato en Settings → Billing → Cancel plan.
        """),
        "nl": _pool("""
            [question]
            Waarom is onze verlenging duurder dan vorig jaar?
            [followup]
            Dat is een flinke verhoging voor ons. Kan ik iemand spreken?
            [answer]
            Op 15 maart 2026 hebben we nieuwe prijzen aangekondigd per 1 mei 2026: Growth ging van €39 naar €49 per gebruiker per maand. Bestaande klanten houden hun prijs tot de eerste verlenging na 1 mei 2026.
            [answer2]
            Opzeggen kan tot 30 dagen voor het einde van de looptijd via Settings → Billing → Cancel plan.
        """),
    },
    "api": {
        "en": _pool("""
            [question]
            We're getting 429 errors from the API, what's the limit?
            Is the API rate limit per key?
            [followup]
            Can we get a higher limit?
            [answer]
            The limit is per workspace: Starter 120, Growth 600 and Enterprise 3,000 requests per minute, shared by all keys and tools such as Zapier. On a 429, wait for the Retry-After seconds and back off exponentially.
            [answer2]
            Upgrading raises the limit immediately; using page size 100 and webhooks instead of polling also cuts the number of calls.
        """),
    },
    "support_hours": {
        "en": _pool("""
            [question]
            Can I call support?
            When is chat support available?
            how fast do you answer emails?
            [answer]
            Chat is available Monday–Friday 08:00–20:00 CET on Growth and Enterprise, email 24/7 on all plans, and phone 24/7 for Enterprise P1 incidents only.
            Email first-response targets are 24 hours on Starter, 8 hours on Growth and 1 hour (P1) or 4 hours (P2) on Enterprise.
        """),
    },
}

CHAT_LINES: dict[str, Pool] = {
    "en": _pool("""
        [hello]
        Hi!
        Hello!
        Hi there!
        Hey!
        Hello there!
        [thanks]
        Thanks, that helps!
        Great, thank you.
        Perfect, thanks!
        ok thanks
        Got it, cheers.
        [human]
        Can I talk to a human please?
        I'd rather speak to someone from your team.
        Is there a person I can talk to?
        [unhappy]
        This is really frustrating, we've been trying for days.
        That doesn't answer my question at all.
        Honestly, this is not good enough.
        [unknown]
        I'm not sure I can answer that from our documentation – let me get a colleague for you.
        [handoff]
        I'll connect you with a colleague from our team – one moment please.
        Let me bring in someone from our team who can help further.
        [agent_hello]
        Hi {first_name}, {agent} here from Brightloop. I've read the conversation – let me take a look.
        Hi, this is {agent} from the Brightloop team. Happy to help!
        Hello, {agent} here. Thanks for waiting.
        [agent_sales]
        I'll set up a call with one of our account executives – would {weekday} work for you?
        I've passed your details to our sales team; you'll get an email today to book a call.
        [agent_fix]
        I've checked your workspace and found the cause – I'll send you the steps by email as well.
        I've opened a ticket for this so our engineers can look into it; you'll hear from us shortly.
        Thanks, I can see it on our side now and have fixed the setting for you.
        [agent_bye]
        Anything else I can help with?
        Have a great day!
    """),
    "de": _pool("""
        [hello]
        Hallo!
        Guten Tag!
        [thanks]
        Danke, das hilft!
        [human]
        Kann ich bitte mit einem Menschen sprechen?
        [unhappy]
        Das ist wirklich frustrierend.
        [unknown]
        Das kann ich aus unserer Dokumentation nicht sicher beantworten – ich hole eine Kollegin dazu.
        [handoff]
        Ich verbinde Sie mit einem Kollegen aus unserem Team – einen Moment bitte.
        [agent_hello]
        Hallo {first_name}, hier ist {agent} von Brightloop. Ich schaue mir das gleich an.
        [agent_sales]
        Ich vereinbare gern einen Termin mit unserem Vertrieb – passt Ihnen {weekday}?
        [agent_fix]
        Ich habe die Ursache gefunden und schicke Ihnen die Schritte auch per E-Mail.
        [agent_bye]
        Kann ich sonst noch helfen?
    """),
    "fr": _pool("""
        [hello]
        Bonjour !
        [thanks]
        Merci, c'est clair !
        [human]
        Puis-je parler à quelqu'un de l'équipe ?
        [unhappy]
        C'est vraiment frustrant.
        [unknown]
        Je ne peux pas répondre avec certitude à partir de notre documentation, je fais appel à un collègue.
        [handoff]
        Je vous mets en relation avec un membre de l'équipe, un instant s'il vous plaît.
        [agent_hello]
        Bonjour {first_name}, ici {agent} de Brightloop. Je regarde tout de suite.
        [agent_sales]
        Je vous propose un appel avec notre équipe commerciale, {weekday} vous conviendrait-il ?
        [agent_fix]
        J'ai trouvé la cause et je vous envoie aussi les étapes par e-mail.
        [agent_bye]
        Puis-je vous aider pour autre chose ?
    """),
    "es": _pool("""
        [hello]
        ¡Hola!
        [thanks]
        ¡Gracias, me sirve!
        [human]
        ¿Puedo hablar con una persona?
        [unhappy]
        Esto es muy frustrante.
        [unknown]
        No puedo responder eso con seguridad con nuestra documentación; aviso a un compañero.
        [handoff]
        Te paso con un compañero del equipo, un momento por favor.
        [agent_hello]
        Hola {first_name}, soy {agent} de Brightloop. Lo miro ahora mismo.
        [agent_sales]
        Te propongo una llamada con nuestro equipo comercial, ¿te va bien el {weekday}?
        [agent_fix]
        He encontrado la causa y te mando también los pasos por correo.
        [agent_bye]
        ¿Te puedo ayudar en algo más?
    """),
    "nl": _pool("""
        [hello]
        Hoi!
        Goedemiddag!
        [thanks]
        Dank je, dat helpt!
        [human]
        Kan ik iemand van het team spreken?
        [unhappy]
        Dit is echt frustrerend.
        [unknown]
        Dat kan ik niet met zekerheid uit onze documentatie beantwoorden, ik haal een collega erbij.
        [handoff]
        Ik verbind je door met een collega, een moment alsjeblieft.
        [agent_hello]
        Hoi {first_name}, met {agent} van Brightloop. Ik kijk er meteen naar.
        [agent_sales]
        Ik plan graag een gesprek met ons salesteam in, past {weekday}?
        [agent_fix]
        Ik heb de oorzaak gevonden en stuur je de stappen ook per e-mail.
        [agent_bye]
        Kan ik je nog ergens anders mee helpen?
    """),
}
