"""What the matcher knows about the words of each language: stems, filler words, common words.

Only English has rules so far; another language falls back to whole words (no stemming), which is
still correct, only less forgiving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Stemmer(Protocol):
    """Reduces a word to a stem that its inflections share ("aching", "aches" -> "ach")."""

    def __call__(self, word: str) -> str: ...


_EN_IRREGULAR = {
    "feet": "foot",
    "teeth": "tooth",
    "calves": "calf",
    "swollen": "swell",
    "bled": "bleed",
    "died": "die",
    "dying": "die",
    "lying": "lie",
    "achy": "ache",
    "slept": "sleep",
    "threw": "throw",
    "thrown": "throw",
    "woke": "wake",
    "awoke": "wake",
    "ate": "eat",
    "fell": "fall",
    "felt": "feel",
    "peed": "pee",
    "diabetic": "diabet",
    "diabetics": "diabet",
    "abdominal": "abdomen",
    "pregnancy": "pregnant",
    "feverish": "fever",
    "droopy": "droop",
    "tingly": "tingl",
    "tire": "tyre",
    "tires": "tyre",
    "better": "better",
    "worse": "worse",
    "women": "woman",
    "men": "man",
    "children": "child",
}
# Words people use interchangeably for one thing: they share a stem, so a phrase written with one
# matches a text written with another ("painful menstruation" finds "painful periods").
_EN_SYNONYMS = {
    "pain": ("painful", "hurt", "hurts", "hurting", "ache", "aches", "aching", "achy", "sore"),
    "stomach": ("tummy", "belly", "abdomen", "abdominal", "tum", "stomachs", "bellies", "tummies"),
    "period": ("periods", "menstrual", "menstruation", "menses", "menstruating", "menstruate"),
    "pee": (
        "wee",
        "wees",
        "weeing",
        "weed",
        "piss",
        "pissing",
        "urinate",
        "urinating",
        "urination",
        "urine",
        "pees",
        "peeing",
        "peed",
    ),
    "poop": ("poo", "poos", "pooping", "pooped", "poops", "stool", "stools"),
    "cold": ("icy", "freezing"),
    "vomit": ("puke", "puking", "puked", "vomiting", "vomited", "vomits"),
    "constipat": ("constipation", "constipated"),
    "exhaust": ("exhausted", "exhaustion", "exhausting"),
    "anxi": ("anxious", "anxiety", "anxiousness", "anxieties"),
    "nause": ("nausea", "nauseous", "nauseated", "nauseating"),
}
for _stem, _words_of in _EN_SYNONYMS.items():
    for _word in _words_of:
        _EN_IRREGULAR[_word] = _stem
_VOWELS = frozenset("aeiouy")


def _undouble(word: str) -> str:
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in _VOWELS and word[-1] not in "lsz":
        return word[:-1]
    return word


def stem_en(word: str) -> str:
    """A small suffix-stripping stemmer for English, applied alike to phrases and texts."""
    irregular = _EN_IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ness") and len(word) > 6:
        word = word[:-4]
    if word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith(("ied", "ies")) and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("ed") and len(word) >= 5:
        word = _undouble(word[:-2])
    elif word.endswith("es") and len(word) >= 5 and (word[-3] in "sxz" or word[-4:-2] in ("ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    return word


def _same(word: str) -> str:
    return word


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that never decide a match on their own: a phrase's other words must all be present.
_EN_STOPWORDS = _words(
    "i me my a an the is am are was were be been it its this that so very really too quite bit kind "
    "kinda sort pretty extremely super and or of in on at to for with just lately recently today now "
    "some also still again like as by from"
)

# Common English words that are one or two letters away from a lexicon word: they are real words,
# so the matcher never "corrects" them ("tried" is not "tired", "strike" is not "stroke").
_EN_COMMON = _words(
    """
    about above after again against all almost alone along already also although always among and
    another answer any anyone anything are around ask asked away back bad bake baked bank bath beach
    beat became because become bed been before began begin behind being believe best better between
    big bike bird birth bit black blame blank bless blind block blood blow blue board boat body book
    boring born both bought box boy bread break breakfast bring broke brother brought build busy but
    buy call called came can car card care carry case cash cat catch caught cause chair chance change
    cheap check cheese chess chicken child choose church city class clean clear climb clock close
    clothes cloud club coach coat code coffee coin colder college color colour come coming company
    cook cookie cool copy corner cost could count country couple course court cover crash crazy cream
    create cross crowd cry cup cut dance dark date daughter day dead deal dear decide deep desk did
    dinner dirty dish doctor does dog doing dollar done door double down draw dream dress drink drive
    driver drop dry during each early earth easy eat eaten eating edge eight either else email end
    enjoy enough even evening ever every everyone everything exam example except exciting excited
    expect explain face fact fair fall family famous far farm fast father favorite favourite fear feed
    feel feeling fell felt few field fight fill film final find fine finger finish fire first fish
    five fix flat flight floor flower fly follow food fool football for force forget form forward four
    free fresh friend from front fruit full fun funny game garden gave get getting gift girl give
    given glad glass goes going gold gone good got great green grew ground group grow guess guy hair
    half hall hand happen happy hard has hat hate have having head hear heard heart heat heavy held
    hello help her here hers high hill him himself his hit hold hole holiday home hope horse hospital
    hot hotel hour house how huge hundred hungry hurry husband idea important inside into iron island
    job join joke juice jump just keep kept key kid kill kind king kitchen knew know known lady land
    language large last late later laugh lead learn least leave left less lesson let letter level lie
    life light like line list listen little live living long look lose lost lot loud love lovely low
    lunch made mail main make man many map mark market married matter may maybe meal mean meat meet
    meeting member men message met middle might mile milk mind mine minute miss mistake moment money
    month more morning most mother mountain mouth move movie much music must name near nearly need
    never new news next nice night nine none noon nor north nose note nothing notice number nurse
    off offer office often old once one only open order other our out outside over own page paid paint
    painted painting paper parent park part party pass past pay pen people perhaps person phone pick
    picture piece pink place plan plane plant play please pocket point police poor position possible
    post power present press pretty price print prize problem program pull push put question quick
    quiet quite race rain raise ran rather reach read ready real reason red remember rest restaurant
    return rich ride right ring rise river road rock room round rule run sad safe said sale salt same
    save saw say school sea season seat second see seem seen sell send sense sent set seven several
    shake shall shape share she sheep shirt shoe shop short should shout show shut side sign simple
    since sing sister sit six size skin sky sleeve slow small smell smile snow soft some someone
    something sometimes son song soon sorry sound soup south space speak special spell spend sport
    spring stair stand star start state station stay steal steam steep step stick stone stood store
    storm story strange street strike strikes string strong student study stuff style such sugar suit
    summer sun supper sure surprise sweet swim table take taken talk tall taste taught tea teach team
    tear tell ten tent terrible test than thank that their them then there these they thin thing think
    third this those though thought three threw through throw tie tied tile tiled time timed tiny tip
    tire tires today together told tomorrow tone tonight too took top total touch toward town toy
    track train travel tree tried tries trip trouble truck true trust truth try tune turn twice two
    type uncle under understand until upon use used useful usual very visit voice wait wake walk wall
    want war warm wash watch water wave way wear weather week weird welcome well went were west wet
    what wheel when where which while white who whole why wide wife will win wind window wine winter
    wish with within without woman wonder wood word wore work world worried worry worse would write
    wrong wrote yard year yellow yes yet young your yours
    able across actually add afraid age ago agree ahead air allow alright amazing angry animal annoying
    anymore anyway apart apple area arm arrive art article asleep attention aunt available avoid awake
    awful baby bag ball band bar basically bathroom battery bear beautiful beer behave belong below
    beside bet beyond bill birthday bite blah boss bottle bottom bowl brain brave bright brilliant
    broken brown brush bunch burn butter button cake camera cancel candy cant capital careful carpet
    cartoon catch center centre certain certainly chat cheer child children choice chocolate class
    clever client close closed cloth coffee cold comfortable comment common complete computer
    concert confused cook correct couch cousin cow crowded cup curious customer cute daily damn
    dance dangerous daughter dead deep delicious dentist describe design dessert detail diet
    different difficult dinner direction dirty discuss distance doubt download drama dude dumb
    easily eggs either elevator else emergency empty energy engine english enough entire
    especially exactly excellent excuse exercise expensive experience eye fake fan fantastic
    fashion fat fault feelings festival fever figure finally fit flu folks football forever
    forgot fork fries frozen fun gas gate gave gentle gift glad god golf gonna gosh grade grandma
    grandpa grass gym habit hang happened hardly hate healthy heavy height hero hey hi hobby
    hockey holy homework honest honey hopefully horrible hug human hurt ice idiot ill image
    imagine inside instead interesting internet invite itself jacket jeans joke juice junk
    kick kids kiss knee knife laptop later lazy leg lemon lie lift likely lonely loose lovely
    lucky lunch mad magic mall mama maths mean meat meds medicine mention menu mess messy
    middle midnight mind mom mommy monday mood movie mum music nail nap nearby neck neighbor
    neighbour nephew nervous niece noise normal obviously ocean okay online orange order ordinary
    outside oven pack pain pair pants papa parents partner passport pen pencil perfect pet
    phone photo piano pie pill pills pizza plate player plenty pocket poem pool popular potato
    pray pregnant prefer probably promise proper proud public purple purpose quit radio random
    rather recently relax remember rent reply rice ride ridiculous roof rude sad salad sandwich
    saturday scared scary screen seriously sexy shame shirt shoes shopping shower sick silly
    singer sink sinks skirt sleep slept smart smoke snack soap soccer sofa somebody somehow
    somewhere sore soup speech spicy spoon stairs stomach stop stranger stupid sunday super
    sweet tablet tea teacher teeth television terrible text thanks therapy thirsty thursday
    ticket tiny tired toast toilet tomato tongue tooth totally towel traffic trash tuesday
    twin ugly umbrella unfortunately upset useless vacation video wallet wednesday weekend
    whatever wonderful wow yeah yesterday yoga yummy zoo because cat cats dog dogs game games won
    win football meal meals food eat acting lunchtime
    """
) | _words(
    # Real words one edit from a lexicon word, found with a dictionary: never corrected.
    """
cooking camping farming fasting reaching operate operating related relocation connection connected convention
conception concession conclusion conclusions confession contract contracts consulting contention contested
conversions conversing upright scattered overheating overtaking overrated overrating overreacting overstating
overhearing overpaying overbearing overlaying overtaxing overage overawe overdoes overdone sleeveless sneering
tangling tangled tangles cramming backing banking banning blocking blending breeding booming booting charged
chanted crashing feeding failing felling filling freeing hunting hurling injection injections inspection locking
licking massaging moaning mourning needless peeking peeling peeping peering pitched popping pooling punched
ruining sanding scaring seeding seeping selling sensing sharing shelling shopped shouting sitting skinning
slapping smelling sneaking sparing spelling spending sporting spouting stained staining starting starving stating
staying stepped stomped stooped storing sweeping swapping thanking thinning thorough tripped waiters walking
wheeling remainder remaining calculation property supposedly strengthen exploring exploiting derived deplete
hinting heaving halving gutting gusting pasting parsing pausing patched perched persona knocker lighted lighten
relived refraction retraction researcher racking recital primacy sweeper sleepier steeper stopper staffed
scuffed stuffiness tampered thickly tramped trapper turfing unbeatable unbreakable unreadable wasters bagging
binging bungled blaster bluster blanking branching breaching breadth brooking capping copping commuter commuters
compute computed consolation cremate couching crusting definitively directives exorcise fueling gashing
grasping shooing shootings shorting sinning slitting snipping soaring spanning staging staking strainer
stranding strangling swilling swivelling tempter bleated blotted boating castigated champing chocking clamping
compulsions confection crapping crimping drainer exhalation farthing feinted feinting frizzled ganging gauging
gigging heartache heartaches irrigated lighthearted migrants migrates migration migrating reclamation relayed
relegation reparation retouching rubdown shuttered slurped slurping snaffles snuffles spattered splattered
spurred spurring tinkles tinkling stoke stoked strobe strode strove stuffs constitution constituted
stiffly convection sings colts barley alive blacked bloody burning burping closing concussion dull frequently
indigestion sciatica sleepiness sleepy splitting tight worst pissing windy moody urinated nervy feet toes heel heels
lots loss lack calm harm heal fade dose sour zone mini gray pins nope ouch peed lets worn beaching benching
bumping concessions confessions indignation indirection contusions sleaziness sloppiness
    """
)


@dataclass(frozen=True, slots=True)
class Grammar:
    """One language's word knowledge for the matcher."""

    stem: Stemmer
    stopwords: frozenset[str]
    common: frozenset[str]  # real words that are never typo-corrected


_GRAMMARS = {"en": Grammar(stem=stem_en, stopwords=_EN_STOPWORDS, common=_EN_COMMON)}
_PLAIN = Grammar(stem=_same, stopwords=frozenset(), common=frozenset())


def grammar(lang: str) -> Grammar:
    """The word knowledge for a language (whole words only when there are no rules for it)."""
    return _GRAMMARS.get(lang, _PLAIN)
