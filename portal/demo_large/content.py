"""The made-up school's words: names, forms, what pupils and staff report, and the tools in the
register; with the shares and sizes that shape it."""

PUPILS_PER_CLASS = 30
GUARDIANS_PER_FAMILY = (1, 2, 2, 2, 2, 2, 2, 2, 3, 3)  # with siblings: ~1.8 per pupil
CHILDREN_PER_FAMILY = (1,) * 85 + (2,) * 12 + (3,) * 3
NO_EMAIL_SHARE = 0.08
DOMAIN = "demo-school.example.org"
HEAD_EMAIL = f"head@{DOMAIN}"
FORMS = (
    "Oak", "Ash", "Birch", "Elm", "Hazel", "Rowan", "Willow", "Cedar", "Maple", "Holly",
    "Pine", "Yew", "Alder", "Beech", "Larch", "Lime", "Poplar", "Sycamore", "Juniper", "Aspen",
    "Cherry", "Hawthorn", "Spruce", "Walnut", "Chestnut", "Magnolia", "Olive", "Laurel",
)  # fmt: skip
FIRST_NAMES = (
    "Amara", "Leo", "Oliver", "Ava", "Noah", "Isla", "Muhammad", "Olivia", "George", "Lily",
    "Harry", "Freya", "Arthur", "Ivy", "Oscar", "Florence", "Theo", "Mia", "Jack", "Willow",
    "Finley", "Poppy", "Yusuf", "Zara", "Kai", "Maya", "Ethan", "Aisha", "Reuben", "Elsie",
    "Hafsa", "Jasmine", "Tomasz", "Zofia", "Chidi", "Ngozi", "Ravi", "Priya", "Sofia", "Mateo",
)  # fmt: skip
ADULT_FIRST_NAMES = (
    "Grace", "Femi", "Sarah", "David", "Fatima", "James", "Helen", "Daniel", "Ruth", "Imran",
    "Claire", "Mark", "Agnieszka", "Piotr", "Chloe", "Tom", "Nadia", "Samuel", "Emma", "Kwame",
    "Rachel", "Ahmed", "Laura", "Paul", "Joanne", "Sunil", "Hannah", "Gareth", "Leah", "Owen",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Khan", "Taylor", "Brown", "Williams", "Wilson", "Okafor", "Patel",
    "Evans", "Thomas", "Roberts", "Ahmed", "Walker", "Wright", "Adeyemi", "Kowalski", "Hughes",
    "Green", "Hall", "Lewis", "Clarke", "Fraser", "Turner", "Wood", "Begum", "Hussain", "Nowak",
    "Murphy", "Kelly", "Campbell", "Singh", "Desai", "Ali", "Mensah", "Edwards", "Moore", "King",
)  # fmt: skip
WHAT_HAPPENED = (
    "Unkind messages in a class group chat after school.",
    "A pupil was left out of a game group on purpose.",
    "Someone made an account pretending to be a pupil.",
    "A photo of a pupil was shared without asking.",
    "Rude comments in an online game's chat.",
    "A pupil saw a frightening video at home.",
    "An adult the pupil does not know sent a friend request.",
    "A parent posted about a member of staff.",
)
NOTES = (
    "Spoke to the pupils involved.",
    "Parents informed by phone.",
    "Screenshots seen and described here.",
    "Class reminded about kind messages.",
    "Checked in with the pupil: feeling better.",
)
OUTCOMES = (
    "Resolved: apology made and accepted.",
    "Resolved with parents; the group chat was closed.",
    "Referred and followed up under safeguarding.",
    "No further concern after checking in.",
)
# Tools in the register: (tool, status, months since it was requested).
REGISTER_DEMO = (
    ("The class blog", "approved", 2),
    ("A shared class wiki", "approved", 14),  # its review fell due two months ago
    ("A video platform's class account", "awaiting", 0),
    ("A photo-sharing app", "declined", 5),
    ("An old class microblog", "retired", 20),
    ("A coding community's class page", "approved", 8),
)
PICTURES = ("dog", "cat", "fox", "owl", "frog", "lion", "panda", "rabbit", "bee")  # to sign in by
