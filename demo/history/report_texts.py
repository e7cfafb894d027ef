"""What reporters write in the synthetic history, in bokmål.

Texts by category and by the kind of unit they fit (`*`: any), with `{sted}` filled
from the unit's places. In winter, slips, trips and hazards are often about ice and snow.
"""

from __future__ import annotations

import random

Template = tuple[str, str, str | None]  # title, description, immediate action

# fmt: off
PLACES = {
    "care": ("avdeling A", "avdeling B", "skjermet enhet", "korridoren i 2. etasje",
             "beboerrom 12", "fellesstua", "medisinrommet", "vaskerommet", "kjøkkenet",
             "badet på avdeling C", "brukers bolig", "trappeoppgangen hos bruker"),
    "school": ("skolegården", "klasserom 5B", "gymsalen", "naturfagrommet", "kantina",
               "garderoben", "trappa ved hovedinngangen", "SFO-basen", "musikkrommet"),
    "kindergarten": ("uteområdet", "sandkassen", "stellerommet", "avdeling Blåklokka",
                     "avdeling Solsikken", "garderoben", "porten", "lekeapparatet"),
    "depot": ("verkstedet", "vaskehallen", "saltlageret", "gårdsplassen", "lastebil 14",
              "hjullasteren", "Kvernelandsveien", "gang- og sykkelveien ved Stangeland"),
    "public": ("skranken", "venteområdet", "møterom 1", "inngangspartiet", "publikumstorget"),
    "office": ("kontorlandskapet", "serverrommet", "møterom 3", "kantina", "trappa",
               "hjemmekontoret"),
}
WINTER_PLACES = ("inngangen", "parkeringsplassen", "gangveien", "trappa ute", "innkjørselen",
                 "porten")

REPORTS: dict[str, dict[str, tuple[Template, ...]]] = {
    "vold_og_trusler": {
        "care": (
            ("Slag fra beboer under stell", "Beboer ble urolig under morgenstell og slo "
             "pleier i ansiktet. Beboeren har kjent demens og var forvirret.",
             "Trakk meg rolig unna og hentet kollega."),
            ("Beboer kløp og rev i armen", "Under forflytning fra seng til rullestol kløp "
             "beboer hardt i armen. Fikk merker og et lite sår i {sted}.",
             "Avbrøt forflytningen og fikk hjelp av kollega."),
            ("Trusler fra pårørende", "Pårørende var svært misfornøyd med oppfølgingen og "
             "truet med å «ta» personalet. Skjedde på {sted}.",
             "Ba pårørende forlate avdelingen og varslet vakthavende."),
            ("Beboer kastet gjenstander", "Beboer kastet kopp og tallerken mot personalet "
             "under middagen på {sted}. Ingen ble truffet.", "Skjermet andre beboere."),
        ),
        "school": (
            ("Elev slo lærer", "Elev på 6. trinn ble sint i {sted} og slo lærer i brystet.",
             "Skjermet eleven og kontaktet rektor."),
            ("Trusler fra elev", "Elev sa at han skulle «knuse» en ansatt etter en konflikt "
             "om mobilbruk i {sted}.", "Samtale med eleven og kontakt med foresatte."),
            ("Spark og slag i friminuttet", "Elev sparket og slo assistent som prøvde å "
             "stoppe en slåsskamp i {sted}.", "Holdt eleven rolig til situasjonen roet seg."),
            ("Truende forelder i møte", "Foresatt ble aggressiv i et møte og slo i bordet. "
             "Ansatte følte seg utrygge.", "Avsluttet møtet."),
        ),
        "*": (
            ("Truende publikum", "En person ble aggressiv i {sted}, kom med trusler og "
             "nektet å gå.", "Tilkalte kollega og vekter."),
            ("Trusler på telefon", "Innringer truet saksbehandler etter avslag på søknad.",
             "Avsluttet samtalen og noterte tidspunkt."),
        ),
    },
    "personskade": {
        "care": (
            ("Vondt i ryggen etter forflytning", "Fikk vondt i korsryggen ved forflytning "
             "av tung beboer i {sted} uten personløfter.", "Fikk hjelp av kollega."),
            ("Beboer falt ved toalettbesøk", "Beboer falt på {sted} og slo hodet. Lite "
             "kutt i pannen.", "Førstehjelp og tilsyn av sykepleier."),
            ("Stikkskade fra brukt kanyle", "Stakk meg på brukt kanyle ved opprydding på "
             "{sted}.", "Vasket og desinfiserte, kontaktet legevakt."),
        ),
        "school": (
            ("Elev skadet i gymtimen", "Elev vrikket ankelen under ballspill i {sted}.",
             "Kjølte ned og kontaktet foresatte."),
            ("Elev klemte fingeren i døra", "Elev klemte fingeren i døra til {sted}.",
             "Førstehjelp og kontakt med foresatte."),
        ),
        "kindergarten": (
            ("Barn falt fra lekeapparat", "Barn falt fra klatrestativet på {sted} og slo "
             "armen.", "Trøstet, kjølte ned og ringte foresatte."),
            ("Ansatt fikk vondt i ryggen", "Løftet barn opp på stellebordet på {sted} og "
             "fikk vondt i ryggen.", None),
        ),
        "depot": (
            ("Kuttskade i verkstedet", "Kuttet meg i hånda på skarp plate i {sted}.",
             "Førstehjelp, sydd på legevakten."),
            ("Klemskade ved lasting", "Fikk foten i klem mellom palle og lasteplan ved "
             "{sted}.", "Kjølte ned, kjørt til legevakt."),
        ),
        "*": (
            ("Snublet i ledning", "Snublet i en løs ledning i {sted} og slo kneet.", None),
            ("Brannskade fra kaffetrakter", "Søl av varmt vann på hånden i {sted}.",
             "Kjølte med vann i 20 minutter."),
        ),
    },
    "nestenulykke": {
        "care": (
            ("Nær fall ved forflytning", "Beboer var nær ved å falle da bremsen på "
             "rullestolen ikke var satt på i {sted}.", "Satte på bremsen."),
            ("Feil medisin nesten gitt", "Oppdaget før utdeling at dosetten til en beboer "
             "var byttet med en annens på {sted}.", "Rettet opp og informerte sykepleier."),
            ("Våt gulvflate uten skilt", "Gulvet i {sted} var nyvasket uten varselskilt. "
             "Kollega var nær ved å skli.", "Satte opp skilt."),
        ),
        "school": (
            ("Nesten påkjørt ved skolen", "Elev var nær ved å bli påkjørt av bil som rygget "
             "ved {sted} ved henting.", "Stoppet bilen og fulgte eleven inn."),
            ("Løs hylle nær elever", "En hylle i {sted} var nær ved å velte over elever.",
             "Tømte hylla og sperret av."),
        ),
        "kindergarten": (
            ("Porten sto åpen", "Porten på {sted} sto åpen og et barn var på vei ut.",
             "Hentet barnet og lukket porten."),
            ("Smådeler på avdelingen", "Fant smådeler som kan svelges på gulvet i {sted}.",
             "Fjernet delene."),
        ),
        "depot": (
            ("Rygging uten signalperson", "Lastebil rygget på {sted} uten signalperson og "
             "var nær ved å treffe en kollega.", "Stoppet arbeidet og tok en prat."),
            ("Gjenstand falt fra høyde", "Et verktøy falt fra stillaset ved {sted} og "
             "landet like ved en kollega.", "Sperret av området under."),
        ),
        "*": (
            ("Nær fall i trapp", "Var nær ved å falle i {sted} fordi håndløperen var løs.",
             None),
            ("Stol veltet nesten", "Kontorstol med ødelagt hjul var nær ved å velte i "
             "{sted}.", "Tok stolen ut av bruk."),
        ),
    },
    "farlig_forhold": {
        "care": (
            ("Defekt personløfter", "Personløfteren på {sted} stopper midt i løftet.",
             "Merket løfteren «ikke i bruk»."),
            ("Alenearbeid på natt", "Én ansatt alene på {sted} med flere urolige beboere.",
             None),
        ),
        "school": (
            ("Ødelagt gjerde mot veien", "Gjerdet mellom {sted} og veien har et stort hull.",
             "Satte opp sperrebånd."),
            ("Kjemikalier ikke låst inne", "Kjemikalier på {sted} står i ulåst skap.",
             "Låste skapet."),
        ),
        "kindergarten": (
            ("Skarpe kanter på lekeapparat", "Lekeapparatet på {sted} har en skarp kant i "
             "barnehøyde.", "Teipet kanten."),
        ),
        "depot": (
            ("Manglende verneutstyr", "Det mangler hørselsvern og vernebriller i {sted}.",
             None),
            ("Dårlig belysning", "Belysningen på {sted} virker ikke, og det er mørkt når "
             "bilene kjører ut.", None),
        ),
        "*": (
            ("Nødutgang blokkert", "Nødutgangen ved {sted} er blokkert av esker.",
             "Flyttet eskene."),
            ("Løs ledning over gulvet", "Skjøteledning ligger over gangen i {sted}.", None),
        ),
    },
    "arbeidsmiljo": {
        "*": (
            ("Høyt arbeidspress over tid", "Vi har vært underbemannet i flere uker, og "
             "mange går på akkord med pauser og kvalitet.", None),
            ("Konflikt i arbeidsgruppen", "Det er en fastlåst konflikt i gruppen som gjør "
             "det vanskelig å samarbeide.", None),
            ("Mye støy i {sted}", "Støynivået i {sted} er så høyt at det gir hodepine.",
             None),
            ("Dårlig inneklima", "Det er tett luft og over 26 grader i {sted} hele dagen.",
             None),
        ),
    },
    "ytre_miljo": {
        "depot": (
            ("Oljesøl fra hjullaster", "Hydraulikkolje lekker fra hjullasteren på {sted}.",
             "Brukte absorbent og samlet opp."),
            ("Saltlake rant ut", "Saltlake rant ut i sluket ved {sted}.", "Stengte ventilen."),
        ),
        "*": (
            ("Feil sortering av avfall", "Farlig avfall var kastet i restavfallet ved "
             "{sted}.", "Sorterte om."),
        ),
    },
    "materiell_skade": {
        "depot": (
            ("Skade på tjenestebil", "Rygget inn i en stolpe med lastebilen på {sted}.",
             None),
        ),
        "*": (
            ("Vannlekkasje", "Vann lekker fra taket i {sted}.", "Satte ut bøtter."),
            ("Knust vindu", "Vinduet i {sted} er knust.", "Sperret av og ryddet glass."),
        ),
    },
    "informasjonssikkerhet": {
        "*": (
            ("E-post sendt til feil mottaker", "E-post med personopplysninger om en "
             "bruker ble sendt til feil mottaker.", "Ba mottaker slette e-posten."),
            ("Journal åpen på skjerm", "En skjerm med journalopplysninger sto åpen og "
             "ulåst i {sted}.", "Låste skjermen."),
            ("Mistenkelig e-post åpnet", "Klikket på en lenke i en e-post som så ut som "
             "den kom fra IT.", "Endret passord og varslet IT."),
            ("Papirer lagt igjen", "Papirer med personopplysninger lå igjen i {sted}.",
             "Låste dem inn."),
        ),
    },
    "kvalitet": {
        "care": (
            ("Medisin ikke gitt", "Kveldsmedisin til en beboer ble ikke gitt på {sted}.",
             "Informerte sykepleier og lege."),
            ("Besøk hos bruker uteble", "Planlagt besøk hos bruker ble ikke gjennomført "
             "fordi det ikke sto i kjørelisten.", "Ringte bruker."),
        ),
        "*": (
            ("Rutine ikke fulgt", "Rutinen for {sted} ble ikke fulgt, og oppgaven ble "
             "gjort feil.", None),
            ("Henvendelse ikke besvart", "En henvendelse ble ikke besvart innen fristen.",
             None),
        ),
    },
}

WINTER: dict[str, tuple[Template, ...]] = {
    "personskade": (
        ("Falt på isen", "Skled på isen ved {sted} og slo hofta. Det var ikke strødd.",
         "Fikk hjelp inn og kjølte ned."),
        ("Skled i snøen", "Skled i nysnø ved {sted} og vrikket foten.", None),
    ),
    "nestenulykke": (
        ("Holdt på å skli på isen", "Var nær ved å skli på isen ved {sted}. Det var ikke "
         "strødd.", "Strødde selv."),
        ("Nesten påkjørt i snøføret", "Brøytebil rygget ved {sted} i dårlig sikt og var "
         "nær ved å treffe en fotgjenger.", None),
    ),
    "farlig_forhold": (
        ("Snø og is fra taket", "Snø og istapper henger over {sted}.", "Sperret av."),
        ("Glatt og ikke strødd", "Det er speilblankt ved {sted} etter underkjøling.", None),
    ),
}
# fmt: on


def report_text(
    rng: random.Random, category: str, group: str, winter: bool
) -> tuple[str, str, str | None, str]:
    """Title, description, immediate action and place of a report."""
    place = rng.choice(WINTER_PLACES if winter else PLACES[group])
    if winter:
        templates = WINTER[category]
    else:
        by_group = REPORTS[category]
        templates = by_group.get(group, ()) + by_group.get("*", ())
        if not templates:
            templates = next(iter(by_group.values()))
    title, description, immediate = rng.choice(templates)
    return title.format(sted=place), description.format(sted=place), immediate, place
