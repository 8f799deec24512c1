"""What the sample case holds: every card and link, and where it sits.

Everything here is taken from "Focus on Cuba, Issue 61" and its reprint
introduction; nothing is added from elsewhere. What the report states is a
solid (confirmed) link; what it reports second hand or judges is dashed
(unconfirmed); what it only suggests or asks is dotted (tentative). The
notes are the sample analyst's and say so. Dates are as precise as the text
allows ("in late November" in a December 2004 issue is 2004-11), and each
event card says how the report words its date.

Positions are board points; the quotes sit under the event they report and
the three countries are group frames along the top.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AUTHOR = "Sample analyst (Evidence Board)"
CASE_TITLE = "Sample: the Cuban-North Korean connection"
BOARD_NAME = "Cuba, North Korea and China, 2003-2013"
SOURCE_TITLE = "Focus on Cuba, Issue 61"
SOURCE_RELIABILITY = "C"  # fairly reliable: see the "About" note

ANALYSIS = "analysis"
NOTE_COLOUR = "#fff3b0"


@dataclass(frozen=True)
class Entity:
    key: str
    title: str
    entity_type: str
    text: str
    at: tuple[float, float]
    date: str | None = None
    date_words: str = ""  # how the report words the date
    group: str | None = None
    grade: tuple[str | None, int | None] = (None, None)


@dataclass(frozen=True)
class Quote:
    key: str
    title: str  # what the card is called in lists; the citation is drawn from its source and page
    page: int
    text: str  # exactly as the PDF has it (typographic quotes and all)
    at: tuple[float, float]
    credibility: int
    why: str  # one line on the credibility given


@dataclass(frozen=True)
class Note:
    key: str
    title: str
    text: str
    at: tuple[float, float]
    size: tuple[float, float] = (280.0, 230.0)
    tags: tuple[str, ...] = (ANALYSIS,)


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    rect: tuple[float, float, float, float]  # x, y, width, height
    colour: str = ""


@dataclass(frozen=True)
class LinkSpec:
    source: str
    target: str
    label: str
    strength: str = "confirmed"
    direction: str = "forward"


@dataclass(frozen=True)
class Layout:
    document_at: tuple[float, float] = (30.0, 300.0)
    quote_size: tuple[float, float] = (280.0, 190.0)
    entity_size: tuple[float, float] = (220.0, 100.0)
    event_size: tuple[float, float] = (240.0, 110.0)
    extra: dict[str, str] = field(default_factory=dict)


LAYOUT = Layout()

# The event columns of the timeline, left to right.
COLUMN = {name: 320.0 + 310.0 * i for i, name in enumerate(
    ["crisis1962", "kay_remarks", "choi_visit", "cintra_beijing", "kpa_delegation",
     "kim_meets_fidel", "hu_visit", "sipri_flight", "panama_seizure"])}
TIMELINE_Y, QUOTES_Y, QUOTES2_Y, NOTES_Y = 920.0, 1100.0, 1310.0, 1540.0

GROUPS = [
    Group("cuba", "Cuba", (300.0, 240.0, 1240.0, 460.0), "#dbeafe"),
    Group("north_korea", "North Korea", (1600.0, 240.0, 620.0, 460.0), "#fde2e2"),
    Group("china", "China", (2280.0, 240.0, 280.0, 460.0), "#fef3c7"),
    Group("timeline", "Events, as the report dates them", (300.0, 860.0, 2780.0, 180.0), "#ececec"),
]

PEOPLE_AND_ORGANISATIONS = [
    Entity("fidel", "Fidel Castro", "person",
           "Leads \u201cthe Castro regime\u201d; the report speaks of \u201cCastro\u2019s new campaign to "
           "upgrade his armed forces\u2019 capabilities and reach\u201d.", (330.0, 540.0), group="cuba"),
    Entity("raul", "Ra\u00fal Castro", "person",
           "Defense Minister; Fidel Castro\u2019s younger brother (\u201chis big brother\u2019s rearmament "
           "ambitions\u201d).", (650.0, 300.0), group="cuba"),
    Entity("defense_ministry", "Cuban Defense Ministry", "organisation",
           "Headed by Ra\u00fal Castro. \u201cThe island\u2019s tourism earnings in the hands of Cuba\u2019s "
           "Defense Ministry\u201d.", (330.0, 300.0), group="cuba"),
    Entity("cintra", "Gen. Leopoldo Cintra Fr\u00edas", "person",
           "Head of Cuba\u2019s Western Army, \u201cdirectly responsible for protecting the senior "
           "leadership in Havana\u201d.", (1290.0, 300.0), group="cuba"),
    Entity("cuban_military", "Cuban armed forces", "organisation",
           "\u201cInvolved in virtually every sector of the Cuban economy\u201d; an estimated US$1.2 "
           "billion a year spent on them.", (720.0, 540.0), group="cuba"),
    Entity("uim", "Uni\u00f3n de Industrias Militares", "organisation",
           "\u201cThe island\u2019s defense industry conglomerate\u201d: manufacturing and assembly "
           "facilities.", (1040.0, 540.0), group="cuba"),
    Entity("kim_jong_il", "Kim Jong Il", "person",
           "North Korea\u2019s leader; sent \u201chigh-ranking emissaries\u201d to Cuba in 2004.",
           (1960.0, 300.0), group="north_korea"),
    Entity("choi", "Choi Su Hon", "person",
           "North Korea\u2019s vice minister of foreign affairs.", (1620.0, 300.0), group="north_korea"),
    Entity("kim_yong_chun", "Vice Marshal Kim Yong Chun", "person",
           "Chief of staff of the Korean People\u2019s Army.", (1620.0, 540.0), group="north_korea"),
    Entity("kpa", "Korean People\u2019s Army", "organisation",
           "North Korea\u2019s armed forces (\u201cKim Jong Il\u2019s armed forces\u201d).", (1960.0, 540.0),
           group="north_korea"),
    Entity("hu", "Hu Jintao", "person", "China\u2019s president.", (2310.0, 300.0), group="china"),
    Entity("cao", "Cao Gangchuan", "person", "Chinese Defense Minister.", (2310.0, 540.0), group="china"),
    Entity("kay", "Dr. David Kay", "person",
           "\u201cThen leading the U.S. Central Intelligence Agency\u2019s WMD investigations in Iraq\u201d.",
           (COLUMN["kay_remarks"] + 25, TIMELINE_Y - 190)),
    Entity("khrushchev", "Nikita Khrushchev", "person", "Soviet premier in October 1962.",
           (COLUMN["crisis1962"] + 40, QUOTES2_Y)),
    Entity("griffiths", "Hugh Griffiths", "person",
           "Arms trafficking expert at the Stockholm International Peace Research Institute.",
           (COLUMN["sipri_flight"] + 40, QUOTES2_Y)),
    Entity("sipri", "SIPRI", "organisation", "Stockholm International Peace Research Institute.",
           (2640.0, 300.0)),
    Entity("iccas", "ICCAS, Cuba Transition Project", "organisation",
           "Institute for Cuban and Cuban-American Studies, University of Miami. Published Focus on "
           "Cuba, Issue 61, and reprinted it with a new introduction.", (30.0, 620.0)),
]


def _event(key: str, title: str, text: str, date: str, words: str,
           grade: tuple[str | None, int | None] = ("C", 2)) -> Entity:
    return Entity(key, title, "event", text, (COLUMN[key] + 15, TIMELINE_Y), date=date,
                  date_words=words, group="timeline", grade=grade)


EVENTS = [
    _event("crisis1962", "October 1962 missile crisis",
           "Cited as a precedent: Castro \u201cbeseeched\u201d Khrushchev to use Cuba for a pre-emptive "
           "nuclear strike.", "1962-10", "\u201cthe October 1962 missile crisis\u201d", ("C", 3)),
    _event("kay_remarks", "Kay on ABC News \u201cThis Week\u201d",
           "Kay says his team found evidence of \u201cNorth Korean missiles going to Cuba\u201d.",
           "2003-10", "\u201cIn October 2003\u201d"),
    _event("choi_visit", "Choi Su Hon in Havana",
           "To \u201cstrengthen bilateral relations\u201d, as reported by Cuba\u2019s state-run press.",
           "2004-06", "\u201cIn June\u201d, in an issue of December 2004"),
    _event("cintra_beijing", "Cintra Fr\u00edas in Beijing",
           "Confers with Chinese Defense Minister Cao Gangchuan.", "2004-09",
           "\u201cIn September\u201d, in an issue of December 2004"),
    _event("kpa_delegation", "KPA delegation in Cuba",
           "Five days \u201cevaluating Cuba\u2019s military infrastructure\u201d.", "2004-11",
           "\u201cin late November\u201d, in an issue of December 2004"),
    _event("kim_meets_fidel", "Kim Yong Chun meets Fidel Castro",
           "\u201cCulminating his visit\u201d; \u201cconsensus on all the issues\u201d.", "2004-11",
           "at the end of the late-November visit"),
    _event("hu_visit", "Hu Jintao visits Cuba",
           "\u201cCoincided with\u201d the KPA delegation\u2019s stay.", "2004-11",
           "during Kim Yong Chun\u2019s stay, late November 2004"),
    _event("sipri_flight", "SIPRI reports a flight to the U.N.",
           "A suspicious flight from Cuba to North Korea \u201cvia central Africa\u201d.", "2013",
           "\u201cearlier this year\u201d, in the reprint\u2019s introduction (2013)"),
    _event("panama_seizure", "Panama seizes a North Korean-flagged ship",
           "The ship had sailed from Cuba \u201ccarrying military cargo\u201d.", "2013-07",
           "\u201cin July\u201d, in the reprint\u2019s introduction (2013)"),
]

QUOTES = [
    Quote("q_spending", "US$1.2 billion a year on the armed forces", 1, "the Castro regime is spending an estimated US$1.2 billion a year of Cuba\u2019s "
          "scarce resources on its armed forces", (940.0, 20.0), 3,
          "an estimate; the report does not say whose"),
    Quote("q_succession", "Succession under Ra\u00fal Castro\u2019s martial rule", 1, "assuring an orderly succession after Fidel Castro\u2019s death under the "
          "martial rule of Defense Minister Ra\u00fal Castro", (300.0, 20.0), 3,
          "the report's reading of the regime's aims"),
    Quote("q_tourism", "The military runs the US$2 billion tourism industry", 1, "With the Cuban military involved in virtually every sector of the Cuban economy "
          "and managing the island\u2019s lucrative US$2 billion a year tourism industry", (1260.0, 20.0), 3,
          "a figure without a stated source"),
    Quote("q_1962", "The 1962 missile crisis as a precedent", 1, "the precedent of the October 1962 missile crisis \u2014 when Castro beseeched Soviet "
          "premier Nikita Khrushchev to use the island as a launch pad for a preemptive nuclear strike "
          "against the U.S.", (COLUMN["crisis1962"], QUOTES_Y), 3, "history, told to make an argument"),
    Quote("q_kay", "Kay: \u201cNorth Korean missiles going to Cuba\u201d", 1, "In October 2003, Dr. David Kay, then leading the U.S. Central Intelligence Agency\u2019s "
          "WMD investigations in Iraq, disclosed on the ABC News program This Week that his team had found "
          "evidence of \u201cNorth Korean missiles going to Cuba.\u201d", (COLUMN["kay_remarks"], QUOTES_Y), 2,
          "a public broadcast remark; the evidence itself was not shown"),
    Quote("q_choi", "Choi Su Hon travels to Havana", 1, "In June, North Korea\u2019s vice minister of foreign affairs, Choi Su Hon, traveled to "
          "Havana to \u201cstrengthen bilateral relations.\u201d", (COLUMN["choi_visit"], QUOTES_Y), 2,
          "a visit reported by Cuba's state-run press"),
    Quote("q_cintra", "Cintra Fr\u00edas journeys to Beijing", 1, "In September, Gen. Leopoldo Cintra Fr\u00edas, head of Cuba\u2019s Western Army and "
          "directly responsible for protecting the senior leadership in Havana, journeyed to Beijing to "
          "confer with Chinese Defense Minister Cao Gangchuan.", (COLUMN["cintra_beijing"], QUOTES_Y), 2,
          "a public official visit"),
    Quote("q_needs", "The Cuban military\u2019s \u201cneeds\u201d to modernize", 1, "Cintra Fr\u00edas laid on the table the Cuban military\u2019s \u201cneeds\u201d to "
          "\u201c[modernize]\u2026as soon as possible.\u201d", (COLUMN["cintra_beijing"], QUOTES2_Y), 2,
          "words quoted from the visit's reporting"),
    Quote("q_delegation", "The KPA chief of staff leads a delegation", 1, "Vice Marshal Kim Yong Chun, chief of staff of the Korean People\u2019s Army, led "
          "a delegation of senior generals", (COLUMN["kpa_delegation"], QUOTES_Y), 2,
          "an official visit"),
    Quote("q_uim", "The delegation tours the defense industry", 2, "Vice Marshal Kim Yong Chun and his staff toured manufacturing and assembly facilities "
          "of the Uni\u00f3n de Industrias Militares, the island\u2019s defense industry conglomerate.",
          (COLUMN["kpa_delegation"], QUOTES2_Y), 2, "an official visit"),
    Quote("q_shoulder", "\u201cFight shoulder to shoulder\u201d", 2, "the Cuban army and people will fight shoulder to shoulder with the Korean "
          "army and people in [an] anti-US joint front.", (COLUMN["kim_meets_fidel"], QUOTES_Y), 2,
          "a declaration quoted from the visit's reporting"),
    Quote("q_hu", "US$1.5 billion Chinese investment commitment", 2, "Hu extended an economic lifeline to Castro\u2019s regime with the commitment of as much "
          "as US$1.5 billion in Chinese government-backed investments to exploit Cuba\u2019s strategic nickel "
          "and cobalt ores.", (COLUMN["hu_visit"], QUOTES_Y), 2, "a public commitment"),
    Quote("q_coincidence", "Not a scheduling coincidence?", 2, "It is doubtful that the presence of Chinese and North Korean leaders in Havana "
          "was due to a scheduling coincidence. Are the Chinese and North Koreans cooperating to support "
          "the Cuban military?", (COLUMN["hu_visit"], QUOTES2_Y), 6,
          "the report's own doubt and question, not a fact"),
    Quote("q_griffiths", "Griffiths: SIPRI reported a suspicious flight", 1, "Hugh Griffiths, an arms trafficking expert at the Stockholm International Peace "
          "Research Institute, said that the institute earlier this year reported to the U.N. a discovery "
          "it made of a suspicious flight from Cuba to North Korea that traveled via central Africa.",
          (COLUMN["sipri_flight"], QUOTES_Y), 2, "a named expert, relayed by ICCAS"),
    Quote("q_panama", "Panama seizes a ship that sailed from Cuba", 1, "the seizure by Panama of a North Korean-flagged ship that had set sail from Cuba in "
          "July carrying military cargo and what appears as ballistic missiles",
          (COLUMN["panama_seizure"], QUOTES_Y), 2, "a public seizure; \u201cwhat appears as\u201d is hedged"),
]

NOTES = [
    Note("n_about", "About this sample board",
         "Built from one source, \u201cFocus on Cuba, Issue 61\u201d (ICCAS, December 20, 2004) and its "
         "reprint introduction. Solid links: the report states it. Dashed: it reports it second hand or "
         "judges it. Dotted: it only suggests or asks it. Yellow notes tagged \u201canalysis\u201d are the "
         "sample analyst\u2019s, not the report\u2019s. Grades are Admiralty codes: source C (fairly "
         "reliable: a university institute\u2019s policy newsletter arguing a position, relaying state "
         "press and one TV remark), information 1-6.", (0.0, 0.0), (290.0, 270.0), tags=("about",)),
    Note("n_acquire", "Analysis: what is Cuba seeking to acquire?",
         "The report asks this and offers spare parts for MiGs and tanks and, as a \u201cdisturbing "
         "possibility\u201d, North Korean missiles. Its only evidence for missiles is Kay\u2019s October 2003 "
         "remark; it shows no documents. Open until the evidence Kay mentioned is seen.",
         (COLUMN["kay_remarks"], NOTES_Y)),
    Note("n_kay", "Analysis: substantiate or debunk Kay\u2019s remark",
         "The report says Kay\u2019s suggestion \u201chas been largely ignored\u201d and asks for inquiries "
         "\u201cto either substantiate or debunk\u201d it. Nothing in this case does either: the link from "
         "North Korea to Cuba stays dashed.", (COLUMN["choi_visit"], NOTES_Y)),
    Note("n_visits", "Analysis: what did the KPA delegation evaluate?",
         "The report infers purpose from the programme (\u201cit is doubtful that the North Korean "
         "delegation was on vacation\u201d). The quoted communiqu\u00e9 speaks of cooperation \u201cin "
         "military fields\u201d but names no equipment. The report says these visits (and Choi Su "
         "Hon\u2019s: the dotted link) warrant a further inquiry into Kay\u2019s remark.", (COLUMN["kpa_delegation"], NOTES_Y)),
    Note("n_china", "Analysis: are China and North Korea acting together?",
         "The report\u2019s only evidence is timing: Hu Jintao\u2019s visit \u201ccoincided with\u201d the "
         "KPA delegation\u2019s stay, and the US$1.5 billion commitment is for nickel and cobalt. A "
         "question, not a finding: the China link is dotted.", (COLUMN["hu_visit"], NOTES_Y)),
    Note("n_2013", "Analysis: what the 2013 introduction adds",
         "Two later reports (the Panama seizure, SIPRI\u2019s flight report) that ICCAS reads as bearing "
         "out its 2004 concern. The case holds no evidence of the ship\u2019s cargo beyond \u201cwhat "
         "appears as ballistic missiles\u201d.", (COLUMN["sipri_flight"] + 150, NOTES_Y)),
]

# Which card each quote reports, one confirmed "reports" link each.
QUOTE_SUPPORTS = {
    "q_spending": "cuban_military", "q_succession": "raul", "q_tourism": "cuban_military",
    "q_1962": "crisis1962", "q_kay": "kay_remarks", "q_choi": "choi_visit", "q_cintra": "cintra_beijing",
    "q_needs": "cintra_beijing", "q_delegation": "kpa_delegation", "q_uim": "kpa_delegation",
    "q_shoulder": "kim_meets_fidel", "q_hu": "hu_visit", "q_coincidence": "hu_visit",
    "q_griffiths": "sipri_flight", "q_panama": "panama_seizure",
}

LINKS = [
    # Who is who: the report states these.
    LinkSpec("raul", "defense_ministry", "Defense Minister"),
    LinkSpec("fidel", "raul", "elder brother of"),
    LinkSpec("cintra", "cuban_military", "heads the Western Army"),
    LinkSpec("kim_yong_chun", "kpa", "chief of staff"),
    LinkSpec("griffiths", "sipri", "arms trafficking expert at"),
    LinkSpec("iccas", "document", "published"),
    # Who did what, when.
    LinkSpec("fidel", "crisis1962", "beseeched Khrushchev"),
    LinkSpec("khrushchev", "crisis1962", "Soviet premier"),
    LinkSpec("kay", "kay_remarks", "disclosed"),
    LinkSpec("choi", "choi_visit", "traveled to Havana"),
    LinkSpec("choi", "kim_jong_il", "instructions from (state press)", "unconfirmed"),
    LinkSpec("cintra", "cintra_beijing", "journeyed to Beijing"),
    LinkSpec("cao", "cintra_beijing", "conferred"),
    LinkSpec("cintra_beijing", "cuban_military", "laid out its \u201cneeds\u201d to modernize"),
    LinkSpec("kim_yong_chun", "kpa_delegation", "led"),
    LinkSpec("kpa_delegation", "raul", "met the Defense Minister"),
    LinkSpec("kpa_delegation", "uim", "toured facilities"),
    LinkSpec("kim_yong_chun", "kim_meets_fidel", "met Fidel Castro"),
    LinkSpec("cuban_military", "kpa", "\u201cshoulder to shoulder\u201d (declared)", direction="both"),
    LinkSpec("hu", "hu_visit", "visited Cuba"),
    LinkSpec("hu_visit", "kpa_delegation", "coincided with", direction="both"),
    LinkSpec("hu_visit", "cuba", "up to US$1.5 billion in investments"),
    LinkSpec("sipri", "sipri_flight", "reported to the U.N."),
    LinkSpec("panama_seizure", "cuba", "ship set sail from Cuba"),
    LinkSpec("panama_seizure", "north_korea", "North Korean-flagged ship"),
    LinkSpec("sipri_flight", "north_korea", "flight from Cuba to North Korea"),
    # What the report judges, suggests or asks.
    LinkSpec("raul", "cuban_military", "martial rule after Fidel?", "unconfirmed"),
    LinkSpec("fidel", "cuban_military", "campaign to upgrade it", "unconfirmed"),
    LinkSpec("north_korea", "cuba", "missiles going to Cuba? (Kay)", "unconfirmed"),
    LinkSpec("choi_visit", "kay_remarks", "warrants inquiry into", "tentative"),
    LinkSpec("china", "north_korea", "cooperating for Cuba\u2019s military?", "tentative"),
    # The analyst's open questions and what they are about.
    LinkSpec("n_acquire", "q_kay", "open question"),
    LinkSpec("n_kay", "q_kay", "open question"),
    LinkSpec("n_visits", "kpa_delegation", "open question"),
    LinkSpec("n_china", "q_coincidence", "open question"),
    LinkSpec("n_2013", "panama_seizure", "open question"),
]
