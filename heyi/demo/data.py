"""The demo world's cast and stories: people, ventures, demands and designs, written for heyi."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "heyi-demo-2015"
DEMO_DOMAIN = "demo.heyi.localhost"

CATEGORIES: list[tuple[str, str]] = [
    ("fridges", "Fridges and freezers"),
    ("washing-machines", "Washing machines and dryers"),
    ("air-conditioners", "Air conditioners"),
    ("water-heaters", "Water heaters"),
    ("kitchen", "Kitchen appliances"),
    ("smart-home", "Smart home"),
    ("air-water", "Air and water purifiers"),
    ("dishwashers", "Dishwashers"),
]

# Given and family names for the generated residents; combined by a seeded shuffle.
GIVEN_NAMES = [
    "Wei",
    "Fang",
    "Jing",
    "Lei",
    "Min",
    "Hui",
    "Tao",
    "Yan",
    "Jun",
    "Xiu",
    "Bo",
    "Ling",
    "Qiang",
    "Na",
    "Hao",
    "Yu",
    "Chen",
    "Rui",
    "Ping",
    "Lan",
    "Kai",
    "Mei",
    "Feng",
    "Xin",
    "Anna",
    "Tomás",
    "Priya",
    "Kwame",
    "Sofia",
    "Lars",
    "Amira",
    "Kenji",
    "Olivia",
    "Mateo",
]
FAMILY_NAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
]
CITIES = [
    "Qingdao",
    "Shanghai",
    "Beijing",
    "Shenzhen",
    "Hangzhou",
    "Chengdu",
    "Wuhan",
    "Xi'an",
    "Nanjing",
    "Tianjin",
    "Jinan",
    "Dalian",
    "Suzhou",
    "Harbin",
    "Kunming",
    "Xiamen",
]


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    city: str
    roles: tuple[str, ...]
    staff: bool = False
    bio: str = ""


# The named cast: the people the README's sign-ins and the event pages refer to.
CAST: list[Person] = [
    Person(
        "operator",
        "Zhou Ming",
        "Qingdao",
        ("operator",),
        staff=True,
        bio="Runs the platform's published rules and the logistics network.",
    ),
    Person(
        "user",
        "Li Na",
        "Qingdao",
        ("user",),
        bio="Cooks for a family of five and raises demands when appliances get in the way.",
    ),
    Person(
        "maker",
        "Chen Hao",
        "Qingdao",
        ("maker",),
        bio="Production engineer; founded the Blue Frost Cold Chain venture.",
    ),
    Person(
        "designer",
        "Anna Berg",
        "Shanghai",
        ("maker",),
        bio="Industrial designer working on quiet, repairable appliances.",
    ),
    Person(
        "supplier",
        "Wang Lei",
        "Suzhou",
        ("supplier",),
        bio="Sells compressors, inverter boards and sensor modules.",
    ),
    Person(
        "investor",
        "Sofia Marques",
        "Shanghai",
        ("investor",),
        bio="Backs hardware ventures with real users and honest numbers.",
    ),
    Person(
        "developer",
        "Kenji Sato",
        "Hangzhou",
        ("developer",),
        bio="Builds home-energy apps on open device APIs.",
    ),
    Person(
        "courier",
        "Zhao Qiang",
        "Jinan",
        ("maker",),
        bio="Leads a van team delivering bulky appliances across Shandong.",
    ),
]


@dataclass(frozen=True)
class VentureSeed:
    name: str
    kind: str
    city: str
    mission: str
    categories: tuple[str, ...]
    capacity: int
    status: str
    founder: str  # a CAST key, or "" for a generated resident


VENTURES: list[VentureSeed] = [
    VentureSeed(
        "Blue Frost Cold Chain",
        "maker",
        "Qingdao",
        "We build fridges and freezers to order for families who store food their own way: "
        "more drawers for vegetables, deeper shelves for pots, quieter compressors for "
        "open-plan flats.",
        ("fridges",),
        120,
        "accelerating",
        "maker",
    ),
    VentureSeed(
        "Quiet Drum Works",
        "maker",
        "Hefei",
        "Washing machines and dryers made in small batches, tuned for low noise and for "
        "washing baby clothes, sportswear and wool without a second thought.",
        ("washing-machines",),
        90,
        "accelerating",
        "",
    ),
    VentureSeed(
        "Cool Breeze Studio",
        "design",
        "Shanghai",
        "A design studio for air conditioning that people do not notice: soft air flow, "
        "quiet fans and controls a grandparent can use.",
        ("air-conditioners", "smart-home"),
        0,
        "accelerating",
        "designer",
    ),
    VentureSeed(
        "Hearth Kitchen Lab",
        "maker",
        "Foshan",
        "Range hoods, steam ovens and induction hobs for Chinese kitchens: high heat, "
        "strong extraction and surfaces that clean in one wipe.",
        ("kitchen", "dishwashers"),
        60,
        "accelerating",
        "",
    ),
    VentureSeed(
        "North Wind Climate",
        "maker",
        "Zhengzhou",
        "Air conditioners and heat pumps for the cold north, built and tuned by people "
        "who spend their winters there.",
        ("air-conditioners",),
        70,
        "accelerating",
        "",
    ),
    VentureSeed(
        "Lakeside Appliance Works",
        "maker",
        "Wuxi",
        "A small factory on Lake Tai that makes fridges, washers and dishwashers to "
        "order in batches of ten to two hundred.",
        ("fridges", "washing-machines", "dishwashers"),
        100,
        "accelerating",
        "",
    ),
    VentureSeed(
        "Jade Kitchen Makers",
        "maker",
        "Shunde",
        "Kitchen appliances and water heaters for homes and small restaurants, with "
        "parts anyone can buy.",
        ("kitchen", "water-heaters"),
        55,
        "incubating",
        "",
    ),
    VentureSeed(
        "Harbour Smart Devices",
        "maker",
        "Xiamen",
        "Connected sensors, locks, plugs and purifiers that keep working when the "
        "internet does not.",
        ("smart-home", "air-water", "air-conditioners"),
        150,
        "accelerating",
        "",
    ),
    VentureSeed(
        "Spring Water Tech",
        "maker",
        "Wuhan",
        "Water heaters and purifiers that save energy and tell you when a filter is due.",
        ("water-heaters", "air-water"),
        80,
        "incubating",
        "",
    ),
    VentureSeed(
        "Smart Nest Makers",
        "design",
        "Hangzhou",
        "Sensors, hubs and small automations that make a home safer for elderly parents "
        "living alone.",
        ("smart-home",),
        0,
        "incubating",
        "developer",
    ),
    VentureSeed(
        "Compressor Parts Co-op",
        "supplier",
        "Suzhou",
        "Compressors, inverter boards and valves for makers on the platform, sold at "
        "published prices with published lead times.",
        ("fridges", "air-conditioners"),
        500,
        "accelerating",
        "supplier",
    ),
    VentureSeed(
        "Panel and Glass Supply",
        "supplier",
        "Dongguan",
        "Tempered glass, steel and bamboo panels cut to order for appliance fronts.",
        ("fridges", "kitchen", "dishwashers"),
        800,
        "accelerating",
        "",
    ),
    VentureSeed(
        "Shandong Van Team",
        "delivery",
        "Jinan",
        "Six vans and twelve drivers delivering and carrying bulky appliances up stairs "
        "across Shandong, within the 24-hour promise.",
        (),
        140,
        "accelerating",
        "courier",
    ),
    VentureSeed(
        "Yangtze Delivery Crew",
        "delivery",
        "Nanjing",
        "Last-mile delivery of large appliances in the Yangtze delta, evenings included.",
        (),
        110,
        "incubating",
        "",
    ),
    VentureSeed(
        "FixRight Home Service",
        "service",
        "Qingdao",
        "Installation, repair and yearly check-ups for appliances bought on heyi.",
        ("air-conditioners", "water-heaters", "washing-machines"),
        45,
        "accelerating",
        "",
    ),
    VentureSeed(
        "Green Air Collective",
        "maker",
        "Chengdu",
        "Air purifiers with washable filters and honest particle readings.",
        ("air-water", "smart-home"),
        50,
        "spun_off",
        "",
    ),
    VentureSeed(
        "Old Town Appliance Repair",
        "service",
        "Xi'an",
        "A repair workshop that tried to turn repairs into refurbished sales; "
        "dissolved after two seasons, its members joined FixRight.",
        ("washing-machines",),
        10,
        "dissolved",
        "",
    ),
]


@dataclass(frozen=True)
class DemandSeed:
    title: str
    category: str
    status: str
    description: str
    tags: tuple[str, ...]
    selection_mode: str = "author"
    decline_reason: str = ""
    author: str = ""  # a CAST key, or "" for a generated resident


DEMANDS: list[DemandSeed] = [
    # --- open -----------------------------------------------------------------------------
    DemandSeed(
        "A fridge drawer that keeps herbs fresh for two weeks",
        "fridges",
        "open",
        "Coriander and spring onions wilt in my fridge within three days. I would like a "
        "small drawer with its own humidity control, sized for bunches of herbs, that I "
        "can take out and wash.",
        ("herbs", "humidity", "drawer"),
        author="user",
    ),
    DemandSeed(
        "Washing machine that tells me when the drain filter is blocked",
        "washing-machines",
        "open",
        "Twice this year the machine stopped mid-cycle with water inside. A message "
        "on the phone saying 'clean the drain filter' before it fails would save a flood.",
        ("maintenance", "alert", "filter"),
    ),
    DemandSeed(
        "Air conditioner that does not blow straight onto the bed",
        "air-conditioners",
        "open",
        "In a small bedroom every air conditioner points at the bed. I want the air to go "
        "up and spread along the ceiling so the room cools without a cold draught.",
        ("bedroom", "airflow", "sleep"),
    ),
    DemandSeed(
        "Water heater that is hot again in ten minutes",
        "water-heaters",
        "open",
        "With four people showering in the evening the tank runs cold after the second. "
        "A fast recovery mode, even if it costs a bit more power, would end the queue.",
        ("shower", "family", "recovery"),
    ),
    DemandSeed(
        "Range hood that switches itself on with the hob",
        "kitchen",
        "open",
        "My mother forgets to switch on the hood and the flat smells of oil for a day. "
        "The hood should start when the hob heats and stop a few minutes after.",
        ("range-hood", "automation", "elderly"),
    ),
    DemandSeed(
        "Door sensor that tells me grandma went out at night",
        "smart-home",
        "open",
        "My grandmother has early dementia. A sensor on the front door that messages me "
        "only between midnight and six would let her live at home longer.",
        ("elderly", "safety", "sensor"),
    ),
    DemandSeed(
        "Air purifier that runs silently in a nursery",
        "air-water",
        "open",
        "Every purifier I tried hums on its lowest setting. For a baby's room I need one "
        "under 25 dB that still clears the air after the window was open.",
        ("baby", "quiet", "pm2-5"),
    ),
    DemandSeed(
        "Dishwasher that fits under a 60 cm sink",
        "dishwashers",
        "open",
        "Old flats have a single cabinet under the sink. A compact dishwasher shaped "
        "around the drain pipe would fit where nothing fits today.",
        ("compact", "small-kitchen"),
    ),
    # --- co-design ------------------------------------------------------------------------
    DemandSeed(
        "Fridge with a separate drawer for breast milk",
        "fridges",
        "co_design",
        "New parents store milk in small bags at a steady 4 °C, away from raw meat. A "
        "sealed drawer with its own thermometer and a date label rail would help.",
        ("baby", "drawer", "temperature"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Quiet wash cycle for night-time electricity",
        "washing-machines",
        "co_design",
        "Electricity is cheaper after 23:00 but the spin wakes the neighbours. A night "
        "cycle that spins slowly and stays under 45 dB would let us wash off-peak.",
        ("quiet", "night", "energy"),
        author="user",
    ),
    DemandSeed(
        "Air conditioner with a washable filter you can reach without a ladder",
        "air-conditioners",
        "co_design",
        "Cleaning the filter means standing on a chair. A filter cassette that slides "
        "down on a rail to head height would make monthly cleaning easy.",
        ("filter", "maintenance", "elderly"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Solar-ready water heater for a village house",
        "water-heaters",
        "co_design",
        "We have a roof with sun most of the year and an old electric tank. A heater that "
        "takes solar heat first and electricity only when needed would halve the bill.",
        ("solar", "energy", "rural"),
    ),
    DemandSeed(
        "Steam oven sized for a whole fish",
        "kitchen",
        "co_design",
        "Every steam oven is too short for a 40 cm fish. A long, shallow cavity with a "
        "drip tray would make the New Year dinner easier.",
        ("steam", "fish", "festival"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Smart plug that learns when the kettle is needed",
        "smart-home",
        "co_design",
        "I want hot water when I get up, not a kettle kept warm all night. A plug that "
        "learns our mornings and warms the kettle ten minutes before would do.",
        ("plug", "learning", "morning"),
    ),
    DemandSeed(
        "Water purifier with a filter that costs less than the machine",
        "air-water",
        "co_design",
        "Replacement filters cost more each year than the purifier itself. "
        "An open filter standard any supplier can make would keep prices honest.",
        ("filter", "open-standard", "cost"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Dishwasher program for woks and cleavers",
        "dishwashers",
        "co_design",
        "Carbon-steel woks rust in a dishwasher and cleavers get blunt. A rack and a "
        "program that washes and dries them fast and hot would save the seasoning.",
        ("wok", "rack", "program"),
    ),
    # --- pre-order ------------------------------------------------------------------------
    DemandSeed(
        "Fridge with a bamboo front panel",
        "fridges",
        "pre_order",
        "Steel fronts look cold in a wooden kitchen. A fridge with replaceable bamboo "
        "panels that match the cabinets, and that can be refinished, would fit our home.",
        ("bamboo", "panel", "design"),
        author="user",
    ),
    DemandSeed(
        "Washer-dryer that dries wool without shrinking it",
        "washing-machines",
        "pre_order",
        "Winter jumpers come out of every dryer a size smaller. A gentle heat-pump dry "
        "cycle for wool, with a weight sensor, would save many jumpers.",
        ("wool", "dryer", "heat-pump"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Floor-standing air conditioner for a shop front",
        "air-conditioners",
        "pre_order",
        "Small shops open to the street lose the cool air at the door. A tall unit that "
        "blows an air curtain across the doorway would keep customers comfortable.",
        ("shop", "air-curtain", "commercial"),
    ),
    DemandSeed(
        "Gas water heater that is safe in a small bathroom",
        "water-heaters",
        "pre_order",
        "Our bathroom has no room for a tank. A wall heater with sealed combustion and a "
        "carbon monoxide sensor that cuts the gas would make showers safe.",
        ("gas", "safety", "co-sensor"),
    ),
    DemandSeed(
        "Induction hob with a real wok curve",
        "kitchen",
        "pre_order",
        "Flat induction cannot do wok hei. A curved induction coil that heats a round "
        "wok up its sides would bring restaurant stir-fry home.",
        ("wok", "induction", "stir-fry"),
        selection_mode="vote",
        author="user",
    ),
    DemandSeed(
        "Smart lock that works when the phone is dead",
        "smart-home",
        "pre_order",
        "Smart locks fail when the phone battery does. A lock with a fingerprint, a code "
        "and a hidden mechanical key, all working without the app, is what we need.",
        ("lock", "security", "offline"),
    ),
    # --- contention -----------------------------------------------------------------------
    DemandSeed(
        "Chest freezer for a fishing family",
        "fridges",
        "contention",
        "We freeze the catch in bulk. A chest freezer that reaches -30 °C fast, with "
        "baskets and a drain, and keeps cold for a day in a power cut.",
        ("freezer", "fishing", "power-cut"),
    ),
    DemandSeed(
        "Washing machine for a student dormitory floor",
        "washing-machines",
        "contention",
        "Forty students share two machines. A sturdy machine with a booking screen and "
        "a 30-minute cycle would end the arguments in the corridor.",
        ("shared", "booking", "dormitory"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Air conditioner that heats well at -15 °C",
        "air-conditioners",
        "contention",
        "In northern winters heat pumps lose power just when we need them. A unit that "
        "still heats at full power at -15 °C would replace our coal stove.",
        ("heating", "cold-climate", "heat-pump"),
    ),
    DemandSeed(
        "Water heater with a legionella cycle",
        "water-heaters",
        "contention",
        "Our tank sits warm for days when we travel. A weekly cycle that heats to 65 °C "
        "to kill bacteria, at a time we choose, would make it safe.",
        ("hygiene", "schedule"),
    ),
    # --- in production --------------------------------------------------------------------
    DemandSeed(
        "Fridge that reminds me what is about to go off",
        "fridges",
        "in_production",
        "We throw away too much food. A fridge that knows what went in and when, and "
        "suggests a meal with what expires first, would cut the waste.",
        ("food-waste", "camera", "reminder"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Range hood that does not drip oil back",
        "kitchen",
        "in_production",
        "Oil collects in our hood and drips onto the hob. A hood with a sloped, "
        "removable oil cup and baffles that go in the dishwasher would end it.",
        ("range-hood", "cleaning"),
    ),
    DemandSeed(
        "Bathroom heater with a dry-towel rail",
        "water-heaters",
        "in_production",
        "In the humid south towels never dry. A water heater that sends a little warm "
        "water through a towel rail would dry them and warm the room.",
        ("bathroom", "towel", "humidity"),
    ),
    DemandSeed(
        "Purifier that shows the outdoor and indoor air side by side",
        "air-water",
        "in_production",
        "I never know whether to open the window. A purifier with two "
        "sensors and a simple 'open now / keep closed' light would tell me.",
        ("sensor", "outdoor", "display"),
        author="user",
    ),
    # --- delivered ------------------------------------------------------------------------
    DemandSeed(
        "Twin-tub washer for baby clothes",
        "washing-machines",
        "delivered",
        "Baby clothes need their own small, hot wash. A second small drum beside the "
        "main one, with a 90 °C cycle, keeps them apart from the family laundry.",
        ("baby", "twin-tub", "hygiene"),
        selection_mode="vote",
    ),
    DemandSeed(
        "Fridge for a family of seven",
        "fridges",
        "delivered",
        "Three generations under one roof need 700 litres, a wide freezer and shelves "
        "strong enough for a pot of soup.",
        ("large", "family"),
    ),
    DemandSeed(
        "Ceiling air conditioner for a teahouse",
        "air-conditioners",
        "delivered",
        "A traditional teahouse cannot have boxes on the wall. A cassette unit hidden in "
        "the wooden ceiling, quiet enough for a guqin recital.",
        ("hidden", "quiet", "commercial"),
    ),
    # --- closed ---------------------------------------------------------------------------
    DemandSeed(
        "Dishwasher that uses rainwater",
        "dishwashers",
        "closed",
        "We collect rainwater for the garden. A dishwasher that filters and uses it for "
        "the pre-rinse would save mains water.",
        ("water-saving", "rainwater"),
    ),
    DemandSeed(
        "Kitchen scale built into the worktop",
        "kitchen",
        "closed",
        "Weighing flour means finding the scale. A flush scale in the worktop, with a "
        "display that appears through the stone, would always be there.",
        ("baking", "built-in"),
    ),
    DemandSeed(
        "Smart switch for a hundred-year-old house",
        "smart-home",
        "closed",
        "Our courtyard house has no neutral wire. A smart switch that works without one "
        "and looks like the old porcelain switches would keep its character.",
        ("retrofit", "heritage", "switch"),
    ),
    # --- declined -------------------------------------------------------------------------
    DemandSeed(
        "Fridge that orders groceries by itself",
        "fridges",
        "declined",
        "When the milk runs out the fridge should order more from the shop without asking.",
        ("automation", "shopping"),
        decline_reason="Ordering and paying without the owner's confirmation goes against "
        "the platform's consent rules; the expiry-reminder fridge (in production) covers "
        "the part that users supported.",
    ),
    DemandSeed(
        "Air conditioner that runs on a car battery",
        "air-conditioners",
        "declined",
        "For camping, an air conditioner that plugs into the car.",
        ("camping", "12v"),
        decline_reason="A 12 V unit of useful cooling power would drain a car battery in "
        "under an hour; no venture could meet the safety rules, and the author agreed to "
        "close it.",
    ),
    DemandSeed(
        "Washing machine with a built-in television",
        "washing-machines",
        "declined",
        "Something to watch while waiting for the wash.",
        ("entertainment",),
        decline_reason="Duplicate of existing phone notifications; the author withdrew it "
        "after the discussion in the comments.",
    ),
    DemandSeed(
        "Water heater shaped like a panda",
        "water-heaters",
        "declined",
        "A fun water heater for a children's bathroom.",
        ("fun", "children"),
        decline_reason="The author withdrew it: a decorative sticker set for the existing "
        "heater met the need without a new product.",
    ),
]

COMMENTS = [
    "Yes! I have exactly this problem every week.",
    "Would this work in a flat with old wiring?",
    "I'd pay a little more for it if it lasts ten years.",
    "Please keep it repairable: screws, not glue.",
    "My parents need this more than I do.",
    "How loud would it be at night?",
    "Could the settings be changed without an app?",
    "We tried a workaround with a timer plug; it is not the same.",
    "Supporting this for our village — many houses have the same layout.",
    "What would it cost compared to a normal one?",
    "A photo of your current setup would help the designers.",
    "I measured ours: 58 cm wide, 82 cm high, if that helps.",
]

REPLIES = [
    "Good point — I added it to the description.",
    "Same here, in a ground-floor flat.",
    "The designers said they would look at it in the next round.",
    "Agreed, as long as it stays simple.",
]


@dataclass(frozen=True)
class ProposalTemplate:
    title: str
    summary: str
    base_price: str
    modules: tuple[tuple[str, str, int], ...]
    options: tuple[tuple[str, str, str, bool], ...] = field(default_factory=tuple)


# Per category, the shapes designers propose; titles are combined with the demand's subject.
PROPOSALS: dict[str, list[ProposalTemplate]] = {
    "fridges": [
        ProposalTemplate(
            "Modular drawers on a standard 60 cm body",
            "A proven 60 cm body with a rail system: drawers and shelves clip in "
            "where the family wants them.",
            "3899.00",
            (
                ("Inverter compressor", "R600a, variable speed", 1),
                ("Humidity drawer", "Slide-adjusted vents", 2),
                ("LED light strip", "Warm white", 1),
            ),
            (
                ("Colour", "Pearl white", "0", True),
                ("Colour", "Graphite", "200", False),
                ("Capacity", "430 L", "0", True),
                ("Capacity", "520 L", "600", False),
            ),
        ),
        ProposalTemplate(
            "French-door body with a flexible middle zone",
            "A wide body whose middle drawer switches between chiller and freezer.",
            "5299.00",
            (
                ("Dual-loop cooling", "Separate fridge and freezer circuits", 1),
                ("Convertible drawer", "-18 °C to 5 °C", 1),
                ("Door alarm", "After two minutes open", 1),
            ),
            (
                ("Panel", "Steel", "0", True),
                ("Panel", "Tempered glass", "450", False),
                ("Panel", "Bamboo", "680", False),
            ),
        ),
        ProposalTemplate(
            "Slim counter-depth design",
            "Flush with kitchen cabinets, 62 cm deep, with a quiet compressor mounted on rubber.",
            "4499.00",
            (("Low-noise compressor", "35 dB", 1), ("Glass shelves", "Spill-proof", 4)),
            (("Colour", "Sand", "0", True), ("Colour", "Sage green", "150", False)),
        ),
    ],
    "washing-machines": [
        ProposalTemplate(
            "Direct-drive drum with a slow-spin night mode",
            "A direct-drive motor (no belt) with anti-vibration feet and a spin "
            "curve capped at 800 rpm at night.",
            "2999.00",
            (
                ("Direct-drive motor", "Brushless", 1),
                ("Anti-vibration feet", "", 4),
                ("Drain filter sensor", "Pressure based", 1),
            ),
            (
                ("Capacity", "8 kg", "0", True),
                ("Capacity", "10 kg", "400", False),
                ("Colour", "White", "0", True),
                ("Colour", "Silver", "120", False),
            ),
        ),
        ProposalTemplate(
            "Heat-pump washer-dryer",
            "Washes and dries in one drum with a heat pump, gentle enough for wool.",
            "4599.00",
            (("Heat-pump module", "R290", 1), ("Weight sensor", "Load cells", 3)),
            (("Capacity", "9 kg", "0", True), ("Capacity", "11 kg", "500", False)),
        ),
        ProposalTemplate(
            "Compact top-loader with a booking screen",
            "A sturdy top-loader for shared spaces with a small booking display.",
            "2399.00",
            (("Steel tub", "", 1), ("Booking display", "4-inch", 1)),
            (("Coin box", "None", "0", True), ("Coin box", "Card reader", "350", False)),
        ),
    ],
    "air-conditioners": [
        ProposalTemplate(
            "Ceiling-spread airflow split unit",
            "Louvres aim the air along the ceiling (Coanda effect) so it falls "
            "softly across the room.",
            "3299.00",
            (
                ("Inverter compressor", "1.5 HP", 1),
                ("Wide louvre set", "", 1),
                ("Room sensor", "Temperature and presence", 1),
            ),
            (
                ("Power", "1.5 HP", "0", True),
                ("Power", "2 HP", "700", False),
                ("Filter", "Standard", "0", True),
                ("Filter", "HEPA", "260", False),
            ),
        ),
        ProposalTemplate(
            "Cold-climate heat pump",
            "Enhanced vapour injection keeps full heating output down to -15 °C.",
            "5899.00",
            (("EVI compressor", "", 1), ("Base-pan heater", "Anti-freeze", 1)),
            (("Power", "2 HP", "0", True), ("Power", "3 HP", "1200", False)),
        ),
        ProposalTemplate(
            "Drop-down filter cassette",
            "A filter cassette that lowers on a rail to head height for cleaning.",
            "3599.00",
            (("Filter rail", "Motorised", 1), ("Washable filter", "", 2)),
            (("Colour", "White", "0", True), ("Colour", "Wood grain", "180", False)),
        ),
    ],
    "water-heaters": [
        ProposalTemplate(
            "Twin-element fast-recovery tank",
            "Two heating elements run together in boost mode to recover in ten minutes.",
            "2199.00",
            (
                ("Enamel tank", "80 L", 1),
                ("Heating element", "2 kW", 2),
                ("Mixing valve", "Anti-scald", 1),
            ),
            (
                ("Volume", "60 L", "-200", False),
                ("Volume", "80 L", "0", True),
                ("Volume", "100 L", "300", False),
            ),
        ),
        ProposalTemplate(
            "Solar-first hybrid tank",
            "A coil for the roof collector and an electric backup that waits for the sun.",
            "3899.00",
            (("Dual-coil tank", "150 L", 1), ("Controller", "Solar priority", 1)),
            (("Volume", "150 L", "0", True), ("Volume", "200 L", "500", False)),
        ),
        ProposalTemplate(
            "Sealed-combustion wall heater",
            "Balanced flue with a CO sensor that cuts the gas valve.",
            "2799.00",
            (("Burner", "Low-NOx", 1), ("CO sensor", "Electrochemical", 1)),
            (("Flow", "13 L/min", "0", True), ("Flow", "16 L/min", "300", False)),
        ),
    ],
    "kitchen": [
        ProposalTemplate(
            "Linked hob and hood",
            "The hob tells the hood over a short-range link when it heats; the "
            "hood runs on and stops by itself.",
            "4299.00",
            (("Induction hob", "Two zones", 1), ("Hood", "1000 m³/h", 1), ("Link module", "", 1)),
            (("Finish", "Black glass", "0", True), ("Finish", "Steel", "150", False)),
        ),
        ProposalTemplate(
            "Long-cavity steam oven",
            "A 45 cm-deep, shallow cavity with a removable drip tray.",
            "3699.00",
            (("Steam generator", "External", 1), ("Drip tray", "Enamel", 1)),
            (("Volume", "32 L", "0", True), ("Volume", "40 L", "400", False)),
        ),
        ProposalTemplate(
            "Curved-coil wok station",
            "A concave glass-ceramic bowl with a curved induction coil.",
            "2899.00",
            (("Curved coil", "3.5 kW", 1), ("Concave glass", "", 1)),
            (("Wok", "Not included", "0", True), ("Wok", "Carbon steel wok", "180", False)),
        ),
    ],
    "smart-home": [
        ProposalTemplate(
            "Battery door sensor with night window",
            "A magnetic sensor that reports only within the hours the family sets.",
            "199.00",
            (("Reed switch", "", 1), ("Radio", "Low power", 1)),
            (("Colour", "White", "0", True), ("Colour", "Brown", "0", False)),
        ),
        ProposalTemplate(
            "Learning smart plug",
            "A plug that learns daily patterns on the device, no cloud needed.",
            "149.00",
            (("Relay", "16 A", 1), ("Energy meter", "", 1)),
            (("Plug type", "China 10 A", "0", True), ("Plug type", "China 16 A", "20", False)),
        ),
        ProposalTemplate(
            "Offline-first lock",
            "Fingerprint, keypad and a hidden key, all working without the app.",
            "1299.00",
            (("Fingerprint reader", "", 1), ("Keypad", "", 1), ("Key cylinder", "C-grade", 1)),
            (("Finish", "Black", "0", True), ("Finish", "Bronze", "100", False)),
        ),
    ],
    "air-water": [
        ProposalTemplate(
            "Whisper purifier",
            "A large slow fan under 25 dB with an H13 filter.",
            "1599.00",
            (("EC fan", "Large diameter", 1), ("H13 filter", "", 1), ("PM2.5 sensor", "Laser", 1)),
            (("Size", "Up to 30 m²", "0", True), ("Size", "Up to 50 m²", "400", False)),
        ),
        ProposalTemplate(
            "Open-standard filter purifier",
            "A purifier whose filter cartridge follows a published drawing any supplier may make.",
            "1299.00",
            (("Filter housing", "Published standard", 1), ("Pump", "", 1)),
            (("Stages", "3", "0", True), ("Stages", "5", "300", False)),
        ),
    ],
    "dishwashers": [
        ProposalTemplate(
            "Under-sink compact dishwasher",
            "A dishwasher shaped around the sink's drain pipe.",
            "2599.00",
            (("Compact pump", "", 1), ("Notched cabinet", "", 1)),
            (("Colour", "White", "0", True), ("Colour", "Steel", "150", False)),
        ),
        ProposalTemplate(
            "Wok rack and express-hot program",
            "A rack that holds a wok upright and a 20-minute hot program with fast drying.",
            "3199.00",
            (("Wok rack", "Stainless", 1), ("Heater", "2 kW", 1)),
            (("Place settings", "8", "0", True), ("Place settings", "13", "600", False)),
        ),
    ],
}


# Where demo buyers live: real city centres (latitude, longitude), with made-up street addresses.
CITY_POINTS: list[tuple[str, float, float]] = [
    ("Qingdao", 36.0671, 120.3826),
    ("Shanghai", 31.2304, 121.4737),
    ("Beijing", 39.9042, 116.4074),
    ("Shenzhen", 22.5431, 114.0579),
    ("Hangzhou", 30.2741, 120.1551),
    ("Chengdu", 30.5728, 104.0668),
    ("Wuhan", 30.5928, 114.3055),
    ("Xi'an", 34.3416, 108.9398),
    ("Nanjing", 32.0603, 118.7969),
    ("Tianjin", 39.3434, 117.3616),
    ("Jinan", 36.6512, 117.1201),
    ("Dalian", 38.9140, 121.6147),
    ("Suzhou", 31.2989, 120.5853),
    ("Harbin", 45.8038, 126.5350),
    ("Kunming", 24.8801, 102.8329),
    ("Xiamen", 24.4798, 118.0894),
]
STREETS = ["Zhongshan", "Renmin", "Jiefang", "Heping", "Xinhua", "Jianshe", "Yan'an", "Binhai"]
BID_PLANS = [
    "Built on our existing line; two shifts; quality check on every unit before shipping.",
    "Sub-assemblies from our usual suppliers, final assembly and test in our own workshop.",
    "Pilot batch of ten first, the rest after the author approves the sample.",
]


@dataclass(frozen=True)
class ProductSeed:
    name: str
    category: str
    price: str
    description: str
    volume_litres: int = 100  # packed, as the vans carry it
    weight_kg: int = 30


# Standard products on sale: designs that proved themselves, now ordered directly.
PRODUCTS: list[ProductSeed] = [
    ProductSeed(
        "Crisper 320 two-door fridge",
        "fridges",
        "3299.00",
        "A 320-litre two-door fridge with a humidity-controlled vegetable drawer that keeps "
        "greens crisp for two weeks. Came out of the co-design of demand #1.",
        650,
        70,
    ),
    ProductSeed(
        "Studio 180 compact fridge",
        "fridges",
        "1899.00",
        "A quiet 180-litre fridge for small flats and offices: 36 dB, a flat back that fits "
        "against the wall, and a freezer drawer that opens fully.",
        380,
        45,
    ),
    ProductSeed(
        "Gentle 8 kg front loader",
        "washing-machines",
        "2599.00",
        "An 8 kg front-loading washer with a wool and silk cycle and a 15-minute quick wash. "
        "Balanced drum, so it stays quiet at night.",
        330,
        72,
    ),
    ProductSeed(
        "Breeze 1.5 HP split air conditioner",
        "air-conditioners",
        "3099.00",
        "A 1.5 HP inverter split unit that cools a 20 m² room, with a sleep mode that never "
        "blows straight at the bed.",
        240,
        48,
    ),
    ProductSeed(
        "Spring 60 L electric water heater",
        "water-heaters",
        "1499.00",
        "A 60-litre water heater that heats in 40 minutes and keeps water warm for a day with "
        "its thick insulation; a timer for cheaper night power.",
        120,
        25,
    ),
    ProductSeed(
        "Clear Air 400 purifier",
        "air-water",
        "1299.00",
        "A purifier for rooms up to 40 m² with a washable pre-filter and a filter that shows "
        "its remaining life.",
        90,
        12,
    ),
]
