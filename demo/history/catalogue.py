"""The risk assessments each kind of unit makes, with their hazards, in bokmål.

Scores are the typical ones (probability × consequence on the 5 × 5 matrix); the
history varies them a little. `categories` are the deviation categories that count as
an instance of the hazard; `measure` is what is done about it when a measure is needed.
"""

from __future__ import annotations

from typing import NamedTuple

from demo.history.model import (
    DAMAGE,
    EXTERNAL,
    HAZARD,
    INFOSEC,
    INJURY,
    NEAR_MISS,
    QUALITY,
    VIOLENCE,
    WORK_ENV,
)


class HazardTemplate(NamedTuple):
    description: str
    cause: str
    barriers: str
    probability: int
    consequence: int
    categories: tuple[str, ...]
    measure: str


class AssessmentTemplate(NamedTuple):
    title: str
    scope: str
    hazards: tuple[HazardTemplate, ...]


H = HazardTemplate
A = AssessmentTemplate

# fmt: off
ASSESSMENTS: dict[str, tuple[AssessmentTemplate, ...]] = {
    "nursing_home": (
        A("Forflytning og løft av beboere",
          "Stell og forflytning mellom seng og stol, og bruk av personløftere.", (
            H("Belastningsskade i rygg og skuldre", "Tunge beboere og trange rom",
              "Personløftere og glidematter", 4, 3, (INJURY, NEAR_MISS),
              "Anskaffe flere takheiser"),
            H("Beboer faller under forflytning", "Ustø beboer, bremser ikke satt",
              "Sjekkliste før forflytning", 3, 3, (INJURY, NEAR_MISS),
              "Opplæring i forflytningsteknikk"),
            H("Defekt personløfter", "Manglende vedlikehold", "Serviceavtale", 2, 3,
              (HAZARD,), "Ukentlig kontroll av løfterne"),
        )),
        A("Vold og trusler fra beboere",
          "Stell og samvær med beboere med demens og uro (forskrift om utførelse av "
          "arbeid kap. 23A).", (
            H("Slag, spark og klyp under stell", "Uro, smerte og demens",
              "Tiltaksplan per beboer", 4, 3, (VIOLENCE,), "To ansatte ved stell av urolige"),
            H("Alvorlig vold mot ansatt som er alene", "Alenearbeid på kveld og natt",
              "Personalarm", 2, 5, (VIOLENCE,), "Personalarm til alle på kveld og natt"),
            H("Trusler fra pårørende", "Misnøye med tjenesten",
              "Rutine for vanskelige samtaler", 2, 2, (VIOLENCE,), "Kurs i konflikthåndtering"),
        )),
        A("Legemiddelhåndtering", "Utdeling og dokumentasjon av legemidler.", (
            H("Feil legemiddel eller dose gitt", "Avbrytelser under utdeling",
              "Dobbeltkontroll", 3, 4, (QUALITY, NEAR_MISS), "Forstyrrelsesfri utdeling"),
            H("Stikkskade fra brukte kanyler", "Manglende kanylebokser",
              "Kanylebokser på medisinrommet", 2, 3, (INJURY,), "Kanylebokser på alle rom"),
        )),
    ),
    "home_care": (
        A("Kjøring i tjenesten", "Kjøring mellom brukere hele året, også på vinterføre.", (
            H("Trafikkulykke på glatt føre", "Tidspress og vinterføre", "Piggdekk",
              3, 4, (HAZARD, DAMAGE), "Kurs i vinterkjøring"),
            H("Rygge- og parkeringsskader", "Trange innkjørsler", "Ryggesensor", 4, 1,
              (DAMAGE,), "Ryggekamera i alle biler"),
            H("Fall på glatt underlag hos bruker", "Ikke strødd hos bruker", "Brodder",
              4, 3, (INJURY, NEAR_MISS, HAZARD), "Avtale med brukerne om strøing"),
        )),
        A("Alenearbeid i brukers hjem", "Besøk alene hos brukere, også på kveld og natt.", (
            H("Vold eller trusler fra bruker", "Rus, psykisk sykdom, uro",
              "Risikovurdering av nye brukere", 3, 4, (VIOLENCE,),
              "Dobbeltbemanning hos brukere med kjent voldsrisiko"),
            H("Smitte hos bruker", "Ukjent smittestatus", "Smittevernutstyr i bilene", 2, 3,
              (HAZARD,), "Oppdatert smittevernrutine"),
        )),
    ),
    "school": (
        A("Vold og trusler fra elever",
          "Undervisning og friminutt med elever som kan utøve vold.", (
            H("Slag og spark mot ansatte", "Elever med utfordrende atferd",
              "Handlingsplan per elev", 4, 3, (VIOLENCE,), "Kurs i håndtering av utagering"),
            H("Trusler fra foresatte", "Konflikter om oppfølging av elev",
              "To ansatte i vanskelige møter", 2, 3, (VIOLENCE,), "Rutine for trusler"),
        )),
        A("Skolegården og utetid", "Friminutt, SFO og henting og levering.", (
            H("Elever skades i lek", "Mange elever på liten plass", "Inspeksjon", 3, 2,
              (INJURY, NEAR_MISS), "Flere voksne ute i storefri"),
            H("Påkjørsel i hentesonen", "Biler rygger ved inngangen", "Skilting", 2, 5,
              (NEAR_MISS, HAZARD), "Flytte hentesonen bort fra inngangen"),
            H("Fall på is og snø", "Ikke strødd tidlig nok", "Vaktmester strør", 3, 3,
              (INJURY, NEAR_MISS, HAZARD), "Strøing før kl. 7"),
        )),
        A("Naturfag og kjemikalier", "Forsøk og oppbevaring av kjemikalier.", (
            H("Etseskader fra kjemikalier", "Ulåste skap", "Stoffkartotek", 2, 4,
              (HAZARD,), "Låsbart kjemikalieskap"),
            H("Brann under forsøk", "Åpen flamme", "Brannteppe", 1, 4, (HAZARD,),
              "Brannøvelse for naturfaglærerne"),
        )),
    ),
    "kindergarten": (
        A("Uteområdet og lekeapparater", "Lek ute hele året.", (
            H("Fall fra lekeapparat", "Høye apparater, hardt underlag", "Fallunderlag", 3, 3,
              (INJURY, NEAR_MISS), "Nytt fallunderlag under klatrestativet"),
            H("Barn forsvinner ut porten", "Porten lukker ikke av seg selv", "Telling", 2, 5,
              (NEAR_MISS, HAZARD), "Ny port med automatisk lukking"),
            H("Skarpe kanter og ødelagt utstyr", "Slitasje", "Månedlig kontroll", 3, 2,
              (HAZARD,), "Bytte ødelagte lekeapparater"),
        )),
        A("Støy og løft", "Arbeidsmiljøet på avdelingene.", (
            H("Hodepine og hørselsplager av støy", "Mange barn i små rom",
              "Støydempende plater", 4, 2, (WORK_ENV,), "Støymåling og lydabsorbenter"),
            H("Belastningsskader ved løft av barn", "Lave møbler og stellebord",
              "Hev-senk stellebord", 4, 3, (INJURY,), "Voksenstoler på alle avdelinger"),
        )),
    ),
    "depot": (
        A("Brøyting og strøing", "Vintervedlikehold av kommunale veier.", (
            H("Påkjørsel av myke trafikanter", "Dårlig sikt og rygging", "Varsellys", 2, 5,
              (NEAR_MISS, HAZARD), "Ryggekamera på alle brøytebiler"),
            H("Utforkjøring", "Glatt føre", "Kjettinger", 3, 4, (DAMAGE, HAZARD),
              "Opplæring i vinterkjøring med tunge kjøretøy"),
            H("Trøtthet etter lange vakter", "Mye snø over flere døgn", "Hviletidsregler",
              3, 3, (WORK_ENV, NEAR_MISS), "Vaktplan med ekstra mannskap"),
        )),
        A("Verksted og maskiner", "Reparasjon og vedlikehold av kjøretøy og maskiner.", (
            H("Klem- og kuttskader", "Roterende deler", "Vernedeksler", 3, 3,
              (INJURY, NEAR_MISS), "Kontroll av vernedeksler"),
            H("Fallende last", "Løfting med kran", "Sertifiserte løfteredskaper", 2, 4,
              (NEAR_MISS,), "Sperring under løft"),
            H("Støy fra maskiner", "Kompressor og slipemaskiner", "Hørselsvern", 4, 2,
              (WORK_ENV,), "Støyskjerming av kompressoren"),
        )),
        A("Kjemikalier og oljer", "Oljer, salt og vaskemidler.", (
            H("Oljesøl til avløp", "Lekkasjer", "Oljeutskiller", 3, 3, (EXTERNAL,),
              "Absorbenter ved alle maskiner"),
            H("Hudskader fra kjemikalier", "Manglende hansker", "Sikkerhetsdatablader", 2, 3,
              (INJURY, HAZARD), "Verneutstyr ved vaskehallen"),
        )),
    ),
    "front_office": (
        A("Vold og trusler i publikumsmottaket", "Møter med innbyggere i skranken.", (
            H("Trusler i skranken", "Misfornøyde innbyggere", "Alarmknapp", 4, 2,
              (VIOLENCE,), "Kurs i konflikthåndtering"),
            H("Fysisk angrep på ansatt", "Eskalerende konflikt", "Rømningsvei", 2, 5,
              (VIOLENCE,), "Ombygging av skranken"),
        )),
        A("Personvern i publikumsmottaket", "Behandling av personopplysninger.", (
            H("Personopplysninger kommer på avveie", "Feilsending", "Opplæring", 3, 3,
              (INFOSEC,), "Rutine for kontroll av mottaker"),
        )),
    ),
    "office": (
        A("Informasjonssikkerhet", "Systemer, tilganger og e-post.", (
            H("Phishing og løsepengevirus", "Falske e-poster", "Filtrering", 3, 5,
              (INFOSEC,), "Phishingøvelser for alle ansatte"),
            H("Tilgang uten tjenstlig behov", "Brede tilganger", "Logging", 2, 4,
              (INFOSEC,), "Kvartalsvis gjennomgang av tilganger"),
            H("Strømbrudd i serverrommet", "Gammelt anlegg", "UPS", 2, 3, (DAMAGE,),
              "Nytt UPS-anlegg"),
        )),
        A("Psykososialt arbeidsmiljø og skjermarbeid", "Kontorarbeid.", (
            H("Høyt arbeidspress over tid", "Mange oppgaver, få ansatte",
              "Medarbeidersamtaler", 4, 3, (WORK_ENV,), "Prioritering av oppgaver i ledermøtet"),
            H("Muskel- og skjelettplager", "Skjermarbeid hele dagen", "Hev-senk pulter", 4, 2,
              (WORK_ENV, INJURY), "Ergonomisk gjennomgang av arbeidsplassene"),
        )),
    ),
}

EXTRA_HAZARDS = (
    H("Brann", "Elektrisk feil", "Brannøvelser", 1, 5, (HAZARD,), "Ekstra brannøvelse"),
    H("Underbemanning ved høyt sykefravær", "Sykefravær og ubesatte stillinger",
      "Vikarpool", 3, 3, (WORK_ENV,), "Plan for bemanning ved fravær"),
    H("Smitte ved sykdomsutbrudd", "Smittsomme sykdommer", "Smittevernrutine", 2, 3,
      (HAZARD,), "Oppdatert smittevernrutine"),
)
# fmt: on
