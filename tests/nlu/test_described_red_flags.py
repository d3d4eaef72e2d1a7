"""Red flags as people describe them, not only as they name them: sets written apart from the concepts
by ten writers (tests/nlu/red_flags_*.jsonl: descriptions and metaphors, other people, negation scope,
history, pregnancy, overdose, self-harm, typos, local phrasing, and the false alarms beside them), plus
the severity levels, whom a sign is about, and what a history is."""

from __future__ import annotations

import pytest

from bot.nlu import Matcher
from tests.nlu.sets import expecting, read_sets

# written apart from the concepts and from each other, each by a writer who had not seen the detector
WRITERS = (
    "described",
    "more",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twentyfirst",
    "twentysecond",
    "twentythird",
    "twentyfourth",
    "twentyfifth",
    "en26",  # an English mending round: a little one blue, no way out, a last message, a sign likened to a past one
    "en27",  # English blind round: an MI named, speech not proper, a one-sided grip; calm: exam topics, muggy heat
    "en28",  # English blind round, Dubai English: cramps coming and going in pregnancy; calm: choked on words
    "en28m",  # its mending: cramps in waves, not a leg cramp; choke idioms, choking on candy; a sign to be prevented
    "en29",  # English blind round, Dubai English: pain going to the jaw with a sweat; calm: a nurse's patients
    "en29m",  # its mending: jaw or arm pain with a sweat (not a tooth's, the gym's); a shift's cases; fainting laughing
    "en30",  # English blind round, Dubai English: a toddler and pills, poison; calm: so tired i could pass out
    "en30m",  # its mending: tiredness said big (could pass out, sleep forever); overdoses dealt with at work; a child
    # kept from swallowing; asked if kids drink; cleaning stuff, harpic, lizol drunk
    "en31",  # English blind round, Dubai English: a child in a hot car; calm: a shift's patients, a film's heroine
    "en31m",  # its mending: a child shut in a car; a Ramadan fast, no fast breath; a fear of dying told of a hard hour;
    # a choke from laughter; patients named before their sign; a film's roles
    "en32",  # English blind round, Dubai English: negation scope, signs in questions; calm: lyrics, gaming, tv sport
    "en32m",  # its mending: postpartum voices; an elder's infection with confusion; a meter's LO; a song's, a game's,
    # a screen's signs; a chilli's burn; a baby who cannot stop kicking
    "en33",  # English blind round, Dubai English: bystanders at work and in public, a child, an elder, allergy, a hypo,
    # heat, pregnancy in weeks; calm: hyperbole, histories resolved, health workers, news, films, songs, prevention
    "en33m",  # its mending: a diabetic shaky and confused; someone well again; a film the night before, a medical
    # drama, a song by its title, a first-aid class's practice; an overdose named as a general danger
    "en34",  # English blind round, Dubai English: long and hedged messages, medicines by brand and count, pregnancy in
    # weeks and months, heat at work; calm: safety training, insurance, gym, food, students, prevention
    "en34m",  # its mending: heat as long hours on a bike or a roof; a drooping mouth while drinking tea; tablets as
    # "tabs"; urine held back told in the past; a training's lesson, a question asked ahead, a show by its platform
    "en35",  # English blind round, Dubai English: new wordings of every emergency, for oneself and others; calm: films,
    # songs, games, hyperbole, a nurse's shift, idioms ("choked on the presentation")
    "en35m",  # its mending: a show's scene or episode named by its kind; plural cases placed in a ward or a shift;
    # choked ON a big moment (a scene of an accident, a medical episode, a child choking on an object still count)
)
SETS = tuple(f"red_flags_{name}.jsonl" for name in WRITERS)
CASES = read_sets(SETS)


@pytest.mark.parametrize("case", expecting(CASES, "red", 60))
def test_every_described_emergency_is_caught(matcher: Matcher, case: dict[str, str]) -> None:
    u = matcher.understand(case["text"])
    assert u.red_flag is not None and u.severity == "emergency"
    assert u.points == () and u.zones == ()  # no massage points beside emergency advice


@pytest.mark.parametrize("case", expecting(CASES, "not-red", 60))
def test_no_false_alarm(matcher: Matcher, case: dict[str, str]) -> None:
    assert matcher.understand(case["text"]).red_flag is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("my husband is clutching his chest", "chest-pain"),
        ("mum's face went funny and she cant lift her arm", "stroke"),
        ("my son swallowed all my panadol", "overdose"),
        ("my friend says she wants to kill herself", "self-harm"),
        ("my wife is 30 weeks and bleeding", "pregnancy-bleeding"),
    ],
)
def test_an_emergency_of_someone_else_is_theirs(matcher: Matcher, text: str, flag: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.for_other) == (flag, True)


@pytest.mark.parametrize(
    "text", ["my chest hurts", "I think I'm having a stroke", "my husband says I look grey and my chest is tight"]
)
def test_an_emergency_of_the_writer_is_theirs(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is not None and not u.for_other


@pytest.mark.parametrize(
    "text",
    [
        "had a DVT two years ago",
        "my dad had a stroke in 2019, now i want to relax",
        "history of blood clots",
        "legs numb and tingling after sitting, had an accident years ago",  # a sign read across clauses
    ],
)
def test_a_history_is_not_an_emergency_now(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    ("text", "flag", "severity"),
    [
        ("my period is really heavy, soaking a pad every hour", "heavy-period", "urgent"),
        ("i fell and now i cant put weight on my foot", "possible-fracture", "urgent"),
        ("I have a lump in my breast", "lump", "not-self-care"),
        ("my son has been vomiting since morning and cant keep water down", "dehydration", "urgent"),
        ("baby has diarrhea and is not wetting her nappies", "dehydration", "urgent"),
        ("loose motions and vomiting for 3 days, nothing stays down", "dehydration", "urgent"),
        ("she can't keep anything down, even sips of water come straight back", "dehydration", "urgent"),
        ("no wet diapers since last night", "dehydration", "urgent"),
        ("my baby's soft spot is sunken and he has sunken eyes", "dehydration", "urgent"),
        ("infected caesarean wound with fever of 39", "wound-infection", "urgent"),
        ("my stitches are red and hot and oozing, temperature 38.5", "wound-infection", "urgent"),
        ("جرح القيصرية فيه صديد وعندي حرارة", "wound-infection", "urgent"),
        ("шов после кесарева гноится и температура 38", "wound-infection", "urgent"),
    ],
)
def test_signs_that_are_not_emergencies_have_their_level(matcher: Matcher, text: str, flag: str, severity: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.concern, u.severity) == (None, flag, severity)
    assert u.points == ()  # not for self-care: no points


@pytest.mark.parametrize(
    "text",
    ["my cut is healing fine, no fever", "my c section scar itches a bit", "у меня порез, все нормально заживает"],
)
def test_a_wound_without_its_signs_is_no_concern(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).severity is None


def test_an_emergency_outranks_an_urgent_sign(matcher: Matcher) -> None:
    u = matcher.understand("soaking a pad every hour and now I feel faint and collapsed")
    assert u.severity == "emergency" and u.red_flag == "fainting"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("my neighbour was stabbed with a knife", "serious-injury"),
        ("he got stabbed in the stomach", "serious-injury"),
        ("my leg is cold, pale and numb", "cold-limb"),
        ("feels like i have been stabbed in the side", None),  # a pain like a stab
        ("my best friend stabbed me in the back", None),  # a betrayal
        ("got my flu shot today, arm sore", None),
    ],
)
def test_wounds_and_a_cold_limb_said_plainly(matcher: Matcher, text: str, flag: str | None) -> None:
    assert matcher.understand(text).red_flag == flag


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("baby vomiting all day, no wet nappy since morning, sunken eyes", "emergency"),
        ("toddler had diarrhea since yesterday, dry diapers and eyes look sunken", "emergency"),
        ("ولدي له يومين يسهل ويستفرغ وما يبول ولا تطلع دموعه", "emergency"),
        ("بنتي تستفرغ من الصبح وما بللت الحفاض وعيونها غايرة", "emergency"),
        ("no tears of joy lol, dry diaper though", "urgent"),  # no child named: the drying out alone
    ],
)
def test_a_child_with_two_signs_of_drying_out_is_an_emergency(matcher: Matcher, text: str, severity: str) -> None:
    """No pee and no tears or sunken eyes in a child (NHS: dehydration, go to A&E); one sign alone is urgent."""
    assert matcher.understand(text).severity == severity


@pytest.mark.parametrize(
    "text",
    [
        "no chest pain but I can't breathe",
        "not bleeding but i havent felt the baby move since yesterday, 32 weeks",
        "im not suicidal but i want to die",
        "chst pain cant brethe",
        "I'm pregnant and have period cramps",
    ],
)
def test_negation_covers_its_own_clause_and_typos_pass(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is not None


@pytest.mark.parametrize(
    "text",
    ["not suicidal, just stressed", "never fainted, just dizzy standing up", "this traffic is killing me"],
)
def test_denials_and_figures_of_speech_are_not_alarms(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


def test_lists_and_symptoms_of_the_text_stay_for_ordinary_texts(matcher: Matcher) -> None:
    u = matcher.understand("28 weeks pregnant and my back aches")
    assert u.red_flag is None and u.severity is None and u.symptoms


@pytest.mark.parametrize(
    "text",
    [
        "im 24 weeks pregnant and have a stomach ache after lunch",
        "heartburn after biryani, burning in my chest after eating",
        "i feel faint when i skip lunch",
        "i nearly fainted when i saw the electricity bill",
        "my wrist hurts from typing",
        "i had a heart attack scare but the ecg was normal",
        "i have a cold sweat after the gym",
        "my legs feel heavy after the long flight from manila",
        "woke up with a stiff neck from a bad pillow",
        "i cut my finger chopping onions, it stopped bleeding",
        "hangover, threw up this morning after the party",
        "my toddler bumped his head on the table but is fine and playing",
        "i overslept and missed my pills this morning",
        "my lips turned blue from the cold pool, warmed up now",
        "i cut myself shaving, tiny nick",
        "my left arm is sore from the vaccine",
    ],
)
def test_everyday_look_alikes_are_not_alarms(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "the diaper stayed dry all night, great progress with potty training",
        "keep it down please, the baby is sleeping",
        "I drink lots of water but still feel bloated",
        "my nappy bag is full of snacks",
        "I vomited once after dinner, fine now",
        "I can't keep my eyes open at work",
    ],
)
def test_everyday_talk_of_fluids_and_nappies_is_no_concern(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert (u.red_flag, u.concern) == (None, None)


def test_a_sense_blanks_only_its_own_words(matcher: Matcher) -> None:
    assert (
        matcher.understand("i cut myself chopping onions and its bleeding a lot, wont stop").red_flag
        == "severe-bleeding"
    )
    assert matcher.understand("i keep cutting myself").red_flag == "self-harm"


@pytest.mark.parametrize(
    "text", ["my stomach pain since this morning", "stomach ache since morning", "tummy hurts since yesterday evening"]
)
def test_a_time_of_onset_is_no_sudden_emergency(matcher: Matcher, text: str) -> None:
    u = matcher.understand(text)
    assert u.red_flag is None and "indigestion" in [s.id for s in u.symptoms[:3]]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("what's the point of going on", "self-harm"),
        ("what is going on with my stomach, no point asking my doctor", None),
        ("subah se peshab nahi ho raha aur pet me bahut dard", "cannot-pee"),
        ("peshab me jalan nahi ho rahi", None),  # no burning: the same words, not in that order
        ("my son was hit by a car", "serious-injury"),
        ("the car hit a pole, we are fine", None),
        ("hit my head on the car door", None),
    ],
)
def test_verbatim_phrases_count_only_word_for_word(matcher: Matcher, text: str, flag: str | None) -> None:
    """A phrase whose sense rests on a small word any-order matching skips counts only as written."""
    assert matcher.understand(text).red_flag == flag


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("that exam was suicide lol", None),
        ("i wanted to die of embarrassment", None),
        ("abi amoot min el d7k 3la hal video", None),  # the saying right after the sign: "die laughing"
        ("that exam was suicide and honestly i want to kill myself now", "self-harm"),
        ("leg day was suicide and i want to die honestly", "self-harm"),
    ],
)
def test_a_saying_covers_its_own_words_not_its_whole_clause(matcher: Matcher, text: str, flag: str | None) -> None:
    """A saying is a figure of the sign it holds or stands beside; a crisis said further on in the same clause
    (joined by "and") is still one."""
    assert matcher.understand(text).red_flag == flag


def test_the_glass_test_said_with_if_in_russian(matcher: Matcher) -> None:
    """ "The rash does not fade IF I press a glass on it" is the glass test, as "when pressed" is."""
    assert matcher.understand("сыпь не исчезает если прижать стакан и температура 39").red_flag == "meningitis"


@pytest.mark.parametrize(
    "text",
    [
        "im pregnant and having cramps",
        "i am 12 weeks pregnant and have cramps",
        "pregnant and my tummy is cramping since this morning",
        "20 wks preg, stomach cramps on and off today",
        "can i use reflexology for cramps when pregnant",
    ],
)
def test_any_cramps_in_pregnancy_are_for_the_midwife(matcher: Matcher, text: str) -> None:
    """Cramps in pregnancy: the pregnancy advice (maternity unit or doctor now; 998 if severe), never points."""
    u = matcher.understand(text)
    assert u.red_flag is not None and u.points == ()


@pytest.mark.parametrize(
    "text",
    [
        "im pregnant and get leg cramps at night",
        "26 weeks, calf cramp woke me up",
        "im not pregnant, just period cramps",
        "i had cramps in my first pregnancy, now i have back pain",
    ],
)
def test_a_legs_cramp_a_denial_or_a_past_pregnancy_stays_calm(matcher: Matcher, text: str) -> None:
    assert matcher.understand(text).red_flag is None


@pytest.mark.parametrize(
    ("text", "red"),
    [
        ("my toddler took all my vitamins", True),
        ("my kid ate half a bottle of gummy vitamins", True),
        ("my son got into the melatonin gummies and ate the whole bottle", True),
        ("i took all my vitamins this morning", False),  # an adult's are not counted
        ("gave my daughter her vitamins", False),  # a dose given
        ("my son took his vitamins as usual today", False),
    ],
)
def test_a_child_and_many_vitamins_is_a_poisoning(matcher: Matcher, text: str, red: bool) -> None:
    assert (matcher.understand(text).red_flag is not None) is red
