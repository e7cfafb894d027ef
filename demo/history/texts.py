"""What handlers, verneombud and action owners write in the synthetic history, in bokmål."""

from __future__ import annotations

import random

CONCLUSIONS = (
    "Hendelsen er gjennomgått med de involverte. Rutinen er forklart på nytt.",
    "Saken er gjennomgått i personalmøtet, og tiltakene er fulgt opp.",
    "Årsaken er kjent, og tiltakene ble gjennomført.",
    "Vurdert sammen med verneombudet. Saken lukkes.",
    "Gjennomgått i HMS-gruppen. Tiltaket har virket.",
)
NO_ACTION_REASONS = (
    "Enkeltstående hendelse. Eksisterende rutiner er tilstrekkelige.",
    "Forholdet ble rettet straks. Ingen videre tiltak.",
    "Følges opp i den ordinære opplæringen.",
)
OPEN_ACTIONS_REASON = "Tiltakene følges opp i tiltaksplanen."
FEEDBACK = (
    "Takk for meldingen! Vi har sett på saken og gjort endringer.",
    "Takk for at du meldte. Saken er tatt opp i personalmøtet.",
    "Takk! Vi har fulgt opp med tiltak.",
)
COMMENTS_LEADER = (
    "Tar dette opp i neste personalmøte.",
    "Har snakket med de involverte.",
    "Sjekker om dette har skjedd før.",
)
COMMENTS_VO = (
    "Verneombudet følger saken. Ønsker å bli orientert om tiltakene.",
    "Dette har skjedd flere ganger. Bør vurderes i risikovurderingen.",
    "Enig i vurderingen. Viktig at tiltaket følges opp.",
)
INFORMATION = (
    "Det samme skjedde uka før, uten at det ble meldt.",
    "Flere kolleger så hendelsen.",
    "Har nå fått mer vondt og var hos legen.",
)
TRANSFER_REASONS = (
    "Hendelsen skjedde hos oss, men gjelder en annen enhet.",
    "Feil enhet valgt ved melding.",
)
REOPEN_REASONS = (
    "Hendelsen har skjedd igjen. Tiltaket må vurderes på nytt.",
    "Verneombudet ber om ny vurdering.",
)
ACTIONS: dict[str, tuple[str, ...]] = {
    "vold_og_trusler": (
        "Oppdatere tiltaksplan for beboeren",
        "Kurs i forebygging av vold og trusler",
        "Innføre to ansatte ved stell",
        "Gjennomgå alarmrutinene",
    ),
    "personskade": (
        "Opplæring i bruk av personløfter",
        "Bytte ødelagt utstyr",
        "Gjennomgå rutinen for forflytning",
    ),
    "nestenulykke": (
        "Merke farlig område",
        "Innføre sjekkliste",
        "Gjennomgå rutinen med alle ansatte",
    ),
    "farlig_forhold": (
        "Reparere skaden",
        "Bestille nytt verneutstyr",
        "Bytte lyspærer og armaturer",
        "Sikre området",
    ),
    "arbeidsmiljo": (
        "Gjennomgå bemanningsplanen",
        "Konflikthåndtering med bistand fra BHT",
        "Måle støy og inneklima",
    ),
    "ytre_miljo": ("Reparere lekkasjen", "Kurs i avfallshåndtering"),
    "materiell_skade": ("Reparere skaden", "Gjennomgå rutinen for kjøring"),
    "informasjonssikkerhet": (
        "Opplæring i personvern",
        "Innføre låsing av skjerm",
        "Gjennomgå tilgangene",
    ),
    "kvalitet": ("Oppdatere rutinen", "Gjennomgå rutinen med alle ansatte"),
}
WINTER_ACTIONS = (
    "Strø og måke inngangen daglig før kl. 7",
    "Bestille brodder til alle",
    "Avtale om snørydding med vaktmester",
)
DONE = (
    "Gjennomført som planlagt.",
    "Gjennomført. Alle ansatte er informert.",
    "Utført og dokumentert i kvalitetssystemet.",
)
EFFECTIVE = ("Fulgt opp i tre måneder uten nye hendelser.", "Virker etter hensikten.")
NOT_EFFECTIVE = (
    "Hendelsen har skjedd igjen. Tiltaket var ikke nok.",
    "Tiltaket virket ikke som ventet.",
)
RESCHEDULE = (
    "Venter på leveranse.",
    "Sykdom i avdelingen. Ny frist er avtalt.",
    "Krever mer tid enn ventet.",
)
CANCEL = ("Dekkes av et annet tiltak.", "Ikke lenger aktuelt etter omorganisering.")


def action_title(rng: random.Random, category: str, winter: bool) -> str:
    return rng.choice(WINTER_ACTIONS if winter else ACTIONS[category])


CAUSE_TEXTS = {
    "human": "Rutinen var ikke godt nok kjent.",
    "technical": "Utstyret var defekt eller ikke vedlikeholdt.",
    "organisational": "For lav bemanning og uklar ansvarsfordeling.",
    "environmental": "Glatt føre og dårlig sikt.",
    "unknown": "Årsaken er ikke klarlagt.",
}
JUSTIFICATION = "Risikoen er akseptabel med dagens barrierer og følges opp ved neste revisjon."
ARCHIVE_REASONS = ("Aktiviteten er avsluttet.", "Erstattes av en ny og bredere vurdering.")
REVISION_REASONS = ("Årlig revisjon.", "Revisjon etter gjentatte avvik.")
