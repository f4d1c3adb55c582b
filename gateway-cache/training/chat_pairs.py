"""Chat-style pairs written here: support questions, how-to, rewrite requests, short factual questions.

Each intent family has several phrasings of one request with slots. A paraphrase pair is two different
phrasings with the same slot values; a near miss keeps the phrasing (or takes another) and changes what
is asked: another slot value (Python vs Java, 3 vs 5 days), a negation, the opposite polarity. Families
are the unit of the split: no family's phrasings appear in two splits. Deterministic (seeded).
"""
import json
import random

# (family, [phrasings with {slots}], {slot: [values]}, [near-miss rewrites of a phrasing: (kind, old, new)])
FAMILIES = [
    ("reset-password", ["how do I reset my {acct} password", "I forgot my {acct} password, how can I change it",
                        "what are the steps to reset the password of my {acct} account",
                        "can you help me reset my {acct} password?"],
     {"acct": ["Gmail", "Outlook", "GitHub", "Slack", "Netflix", "Zoom"]}, [("negation", "reset", "not reset")]),
    ("sort-list", ["how do I sort a list in {lang}", "what is the way to sort a list in {lang}?",
                   "show me how to sort a list using {lang}", "sorting a list in {lang}, how?"],
     {"lang": ["Python", "Java", "JavaScript", "Rust", "Go", "C#", "Kotlin", "Ruby"]},
     [("polarity", "sort", "reverse")]),
    ("reverse-string", ["how do I reverse a string in {lang}", "what's the easiest way to reverse a string in {lang}?",
                        "reverse a string in {lang}: how?", "give me code to reverse a string in {lang}"],
     {"lang": ["Python", "Java", "JavaScript", "Rust", "Go", "C++", "PHP", "Swift"]}, []),
    ("read-file", ["how can I read a file line by line in {lang}", "read a text file line by line with {lang}",
                   "what is the best way to read a file line by line in {lang}?",
                   "show me {lang} code that reads a file one line at a time"],
     {"lang": ["Python", "Java", "Go", "Rust", "Node.js", "C", "Perl", "Bash"]}, [("polarity", "read", "write")]),
    ("convert-units", ["convert {n} {u1} to {u2}", "how many {u2} is {n} {u1}?", "what is {n} {u1} in {u2}",
                       "{n} {u1} equals how many {u2}?"],
     {"n": ["5", "10", "12", "25", "100", "3.5"], "u1": ["kilometers", "miles", "kilograms", "pounds"],
      "u2": ["meters", "feet", "grams", "ounces"]}, []),
    ("capital", ["what is the capital of {country}", "what's {country}'s capital city?",
                 "which city is the capital of {country}?", "tell me the capital of {country}"],
     {"country": ["France", "Germany", "Japan", "Canada", "Australia", "Brazil", "Kenya", "Spain", "Norway"]}, []),
    ("population", ["what is the population of {city}", "how many people live in {city}?",
                    "how big is the population of {city}", "{city} population?"],
     {"city": ["Tokyo", "London", "Paris", "Berlin", "Madrid", "Toronto", "Sydney", "Chicago"]}, []),
    ("refund", ["how do I get a refund for my {item} order", "I want my money back for the {item} I ordered",
                "can I return my {item} and get a refund?", "what is the refund process for a {item} order"],
     {"item": ["shoes", "laptop", "phone", "jacket", "headphones", "book"]}, [("negation", "get", "not get")]),
    ("cancel-subscription", ["how do I cancel my {plan} subscription", "I want to cancel my {plan} plan",
                             "how can I stop my {plan} subscription?", "steps to cancel a {plan} subscription"],
     {"plan": ["monthly", "yearly", "premium", "family", "student"]}, [("polarity", "cancel", "renew")]),
    ("shipping-time", ["how long does shipping to {country} take", "how many days does delivery to {country} take?",
                       "what is the shipping time to {country}", "when will my order arrive in {country}?"],
     {"country": ["Germany", "Canada", "Japan", "Mexico", "India", "Italy"]}, []),
    ("translate", ["translate '{phrase}' into {tlang}", "how do you say '{phrase}' in {tlang}?",
                   "what is '{phrase}' in {tlang}", "please translate '{phrase}' to {tlang}"],
     {"phrase": ["good morning", "thank you", "where is the station", "I am hungry", "see you tomorrow"],
      "tlang": ["French", "Spanish", "German", "Italian", "Japanese", "Portuguese"]}, []),
    ("summarize-tone", ["rewrite this email to sound more {tone}", "make this email more {tone}",
                        "can you rephrase my email so it is more {tone}?", "edit the email below to be more {tone}"],
     {"tone": ["formal", "friendly", "polite", "concise", "confident", "casual"]}, [("polarity", "more", "less")]),
    ("boil-egg", ["how long should I boil an egg for a {doneness} yolk", "boiling time for a {doneness} yolk egg?",
                  "how many minutes to boil an egg so the yolk is {doneness}", "what is the cooking time for a {doneness}-yolk boiled egg"],
     {"doneness": ["runny", "soft", "firm", "hard", "jammy"]}, []),
    ("python-version", ["how do I check which {tool} version is installed", "how can I see my installed {tool} version?",
                        "what command shows the {tool} version", "find out the version of {tool} on my machine"],
     {"tool": ["Python", "Java", "Node", "Docker", "Git", "npm", "Maven"]}, [("polarity", "installed", "latest")]),
    ("install-package", ["how do I install {pkg} on {os}", "what is the way to install {pkg} on {os}?",
                         "installing {pkg} on {os}, what are the steps", "help me set up {pkg} on {os}"],
     {"pkg": ["Docker", "PostgreSQL", "Redis", "Node.js", "nginx"], "os": ["Ubuntu", "Windows", "macOS", "Fedora"]},
     [("polarity", "install", "uninstall")]),
    ("time-zone", ["what time is it in {city} when it is noon in {city2}", "if it's 12pm in {city2}, what time is it in {city}?",
                   "noon in {city2} is what time in {city}", "time in {city} when it is midday in {city2}"],
     {"city": ["Tokyo", "London", "New York", "Sydney", "Dubai"], "city2": ["Paris", "Chicago", "Berlin", "Seoul"]}, []),
    ("weather-pack", ["what should I pack for a {n}-day trip to {city} in {month}", "packing list for {n} days in {city} in {month}",
                      "help me pack for {city} in {month}, {n} days", "I'm going to {city} for {n} days in {month}, what should I bring"],
     {"n": ["3", "5", "7", "10"], "city": ["Iceland", "Rome", "Bangkok", "Oslo", "Lisbon"],
      "month": ["January", "April", "July", "October"]}, []),
    ("calories", ["how many calories are in a {food}", "calories in one {food}?", "what is the calorie count of a {food}",
                  "how much energy does a {food} have in calories"],
     {"food": ["banana", "apple", "boiled egg", "slice of pizza", "avocado", "croissant", "bagel"]}, []),
    ("vacation-days", ["how many vacation days do I get after {n} years", "what is my holiday allowance after {n} years of service?",
                       "after {n} years at the company, how many days off do I have", "vacation days for employees with {n} years"],
     {"n": ["1", "2", "3", "5", "10"]}, []),
    ("change-address", ["how do I change the shipping address on my order", "can I update the delivery address of my order?",
                        "I need to change where my order is shipped", "how to edit the shipping address after ordering"],
     {}, [("negation", "change", "not change"), ("entity", "shipping", "billing")]),
    ("git-undo", ["how do I undo the last git commit", "how can I revert my most recent git commit?",
                  "undo last commit in git", "what's the command to undo my last git commit"],
     {}, [("polarity", "last", "first"), ("number", "last", "last 3")]),
    ("regex-email", ["write a regex that matches an email address", "give me a regular expression for email addresses",
                     "regex to validate an email address?", "what regex matches emails"],
     {}, [("entity", "email address", "phone number"), ("entity", "email addresses", "URLs"), ("entity", "emails", "IP addresses")]),
    ("explain-concept", ["explain {concept} in simple terms", "can you explain {concept} simply?",
                         "what is {concept}, explained for a beginner", "give me a simple explanation of {concept}"],
     {"concept": ["recursion", "inflation", "photosynthesis", "blockchain", "machine learning", "compound interest", "DNS"]}, []),
    ("difference", ["what is the difference between {a} and {b}", "how does {a} differ from {b}?",
                    "{a} vs {b}: what's the difference", "explain the difference between {a} and {b}"],
     {"a": ["TCP", "RAM", "a virus", "HTTP", "weather"], "b": ["UDP", "ROM", "bacteria", "HTTPS", "climate"]}, []),
    ("open-hours", ["what time does the {place} open on {day}", "when does the {place} open on {day}?",
                    "opening hours of the {place} on {day}", "is the {place} open early on {day}"],
     {"place": ["store", "pharmacy", "library", "gym", "bank"], "day": ["Monday", "Saturday", "Sunday", "Friday"]},
     [("polarity", "open", "close")]),
    ("recipe", ["give me a recipe for {dish} for {n} people", "how do I make {dish} for {n} people?",
                "recipe: {dish}, serves {n}", "I need a {dish} recipe that serves {n}"],
     {"dish": ["lasagna", "pancakes", "chili", "risotto", "guacamole"], "n": ["2", "4", "6", "8"]},
     [("negation", "recipe for", "recipe without meat for")]),
    ("invoice", ["where can I download my invoice for {month}", "how do I get the invoice for {month}?",
                 "I need my {month} invoice", "download invoice {month}"],
     {"month": ["January", "February", "March", "June", "September", "December"]}, []),
    ("two-factor", ["how do I turn on two-factor authentication", "how can I enable 2FA on my account?",
                    "set up two factor authentication for my account", "enable two-step verification"],
     {}, [("polarity", "turn on", "turn off"), ("polarity", "enable", "disable")]),
    ("sql-query", ["write a SQL query to find the top {n} customers by revenue", "SQL for the {n} customers with the highest revenue",
                   "query the top {n} customers ranked by revenue in SQL", "give me SQL that returns the {n} best customers by revenue"],
     {"n": ["3", "5", "10", "20"]}, [("polarity", "top", "bottom"), ("polarity", "highest", "lowest")]),
    ("age-fact", ["how old is the {thing}", "what is the age of the {thing}?", "when was the {thing} built",
                  "how many years old is the {thing}"],
     {"thing": ["Eiffel Tower", "Colosseum", "Great Wall of China", "Taj Mahal", "Golden Gate Bridge"]}, []),
    ("dog-food", ["can dogs eat {food}", "is {food} safe for dogs?", "is it okay to give my dog {food}",
                  "are dogs allowed to eat {food}"],
     {"food": ["grapes", "chocolate", "carrots", "apples", "cheese", "onions"]}, [("entity", "dogs", "cats"), ("entity", "dog", "cat")]),
    ("fix-error", ["how do I fix '{err}' in {lang}", "I get '{err}' in {lang}, how do I solve it?",
                   "what causes '{err}' in {lang} and how to fix it", "{lang} error '{err}': fix?"],
     {"err": ["index out of range", "null pointer exception", "permission denied", "module not found"],
      "lang": ["Python", "Java", "Go", "C++"]}, []),
    ("deadline-extension", ["write a short email asking my manager for a {n}-day extension", "draft an email requesting {n} more days from my manager",
                            "help me ask my boss for a {n} day deadline extension by email", "email to my manager asking for {n} extra days"],
     {"n": ["2", "3", "5", "7"]}, []),
    ("battery", ["why does my {device} battery drain so fast", "my {device} battery runs out quickly, why?",
                 "what makes the {device} battery die fast", "reasons my {device} loses battery quickly"],
     {"device": ["iPhone", "Android phone", "laptop", "smartwatch", "tablet"]}, [("polarity", "fast", "slowly"), ("polarity", "quickly", "slowly")]),
    ("interest", ["how much interest will I earn on ${n} at {r}% per year", "interest on ${n} at a {r}% annual rate?",
                  "if I save ${n} at {r}% a year, how much interest do I get", "calculate yearly interest for ${n} at {r} percent"],
     {"n": ["1000", "5000", "10000", "250"], "r": ["2", "3", "4.5", "5"]}, []),
    ("summarize-article", ["summarize this article in {n} sentences", "give me a {n}-sentence summary of this article",
                           "can you sum up the article below in {n} sentences?", "condense this article into {n} sentences"],
     {"n": ["2", "3", "5", "one"]}, []),
    ("meeting-reschedule", ["move my meeting with {person} to {day}", "reschedule the {person} meeting to {day}",
                            "can you shift my meeting with {person} to {day}?", "push my {person} meeting to {day}"],
     {"person": ["Anna", "the sales team", "Dr. Lee", "Marcus"], "day": ["Monday", "Thursday", "Friday", "next week"]},
     [("negation", "move", "don't move")]),
    ("speed-light", ["how fast does {thing} travel", "what is the speed of {thing}?", "how quick is {thing}",
                     "at what speed does {thing} move"],
     {"thing": ["light", "sound", "the Earth around the Sun", "a cheetah"]}, []),
    ("json-parse", ["how do I parse JSON in {lang}", "parsing a JSON string in {lang}, how?",
                    "what library should I use to parse JSON in {lang}", "convert a JSON string to an object in {lang}"],
     {"lang": ["Python", "Java", "Go", "Rust", "C#", "JavaScript"]}, [("entity", "JSON", "XML"), ("entity", "JSON", "YAML")]),
    ("order-status", ["where is my order {id}", "what is the status of order {id}?", "track order {id}",
                      "has order {id} shipped yet"],
     {"id": ["#1042", "#2231", "#5870", "#9913", "#4410"]}, [("negation", "shipped", "not shipped")]),
    ("symptoms", ["what are the symptoms of {illness}", "how do I know if I have {illness}?", "signs of {illness}",
                  "what symptoms does {illness} cause"],
     {"illness": ["the flu", "diabetes", "dehydration", "a concussion", "anemia"]}, []),
    ("speedup-laptop", ["how can I make my {os} laptop faster", "my {os} laptop is slow, how do I speed it up?",
                        "tips to speed up a slow {os} laptop", "ways to improve {os} laptop performance"],
     {"os": ["Windows", "Mac", "Linux", "Chromebook"]}, [("polarity", "faster", "slower")]),
    ("word-count", ["shorten this paragraph to under {n} words", "cut this text down to fewer than {n} words",
                    "make this paragraph less than {n} words long", "rewrite this paragraph in under {n} words"],
     {"n": ["50", "100", "150", "200"]}, [("polarity", "under", "over"), ("polarity", "fewer", "more"), ("polarity", "less", "more")]),
    ("best-time-visit", ["what is the best time of year to visit {place}", "when is the best season to travel to {place}?",
                         "best month to go to {place}", "when should I visit {place}"],
     {"place": ["Japan", "Peru", "Iceland", "Morocco", "New Zealand", "Vietnam"]}, [("polarity", "best", "worst")]),
    ("loan-payment", ["what is the monthly payment on a ${n} loan over {y} years", "monthly payment for a ${n} loan for {y} years?",
                      "how much will I pay each month on ${n} borrowed over {y} years", "calculate monthly payments: ${n} loan, {y} years"],
     {"n": ["10000", "20000", "250000", "5000"], "y": ["3", "5", "15", "30"]}, []),
    ("cron", ["write a cron expression that runs every {n} minutes", "cron schedule for every {n} minutes?",
              "how do I run a cron job every {n} minutes", "crontab line to run a job each {n} minutes"],
     {"n": ["5", "10", "15", "30"]}, [("entity", "minutes", "hours")]),
    ("plant-water", ["how often should I water a {plant}", "how frequently does a {plant} need water?",
                     "watering schedule for a {plant}", "how many times a week do I water my {plant}"],
     {"plant": ["cactus", "snake plant", "fern", "orchid", "basil plant"]}, []),
]

# Written after the first training round, and only ever in the validation split: a second held-out set of
# chat families that no error analysis looked at (see MODEL_CARD.md).
FRESH_FAMILIES = [
    ("fresh-wifi", ["my {dev} won't connect to wifi, what should I do", "how do I fix {dev} wifi connection problems?",
                    "{dev} can't join my wifi network, help", "troubleshoot wifi on my {dev}"],
     {"dev": ["laptop", "printer", "smart TV", "phone", "tablet"]}, [("polarity", "wifi", "bluetooth")]),
    ("fresh-timezone-meeting", ["schedule a call at {h} pm {tz1} for someone in {tz2}", "what time is {h} pm {tz1} in {tz2}?",
                                "convert {h} pm {tz1} to {tz2} time", "{h}pm {tz1} is what o'clock in {tz2}"],
     {"h": ["2", "4", "6", "9"], "tz1": ["EST", "PST", "CET"], "tz2": ["IST", "JST", "GMT"]}, []),
    ("fresh-excel", ["how do I {op} duplicates in Excel", "what's the way to {op} duplicate rows in Excel?",
                     "{op} duplicate values in an Excel sheet", "Excel: how to {op} duplicates"],
     {"op": ["remove", "highlight", "count", "find"]}, []),
    ("fresh-passport", ["how long does it take to renew a {c} passport", "{c} passport renewal time?",
                        "how many weeks for a {c} passport renewal", "what is the processing time to renew my {c} passport"],
     {"c": ["US", "UK", "Canadian", "Australian", "Indian"]}, [("polarity", "renew", "apply for")]),
    ("fresh-css", ["how do I center a div {axis} with CSS", "center a div {axis} in CSS?",
                   "CSS to center a div {axis}", "what CSS centers a div {axis}"],
     {"axis": ["horizontally", "vertically"]}, [("entity", "div", "image"), ("entity", "CSS", "Tailwind")]),
    ("fresh-docker", ["how do I {op} all docker containers", "command to {op} every docker container",
                      "{op} all running docker containers at once", "what's the docker command to {op} all containers"],
     {"op": ["stop", "remove", "restart", "list"]}, []),
    ("fresh-tip", ["how much should I tip on a ${n} bill at {p}%", "what is a {p}% tip on ${n}?",
                   "calculate a {p} percent tip for ${n}", "{p}% tip on a ${n} check"],
     {"n": ["40", "85", "120", "64"], "p": ["15", "18", "20"]}, []),
    ("fresh-cover-letter", ["write a cover letter for a {role} job", "draft a cover letter for a {role} position",
                            "help me write a {role} cover letter", "cover letter for applying as a {role}"],
     {"role": ["data analyst", "nurse", "software engineer", "teacher", "barista"]},
     [("polarity", "cover letter", "resignation letter")]),
    ("fresh-leap", ["is {y} a leap year", "was {y} a leap year?", "does {y} have 366 days", "leap year check: {y}"],
     {"y": ["1900", "2000", "2024", "2023", "2100"]}, []),
    ("fresh-car-oil", ["how often should I change the oil in my {car}", "oil change interval for a {car}?",
                       "how many miles between oil changes on a {car}", "when does a {car} need an oil change"],
     {"car": ["Toyota Corolla", "Honda Civic", "Ford F-150", "Tesla Model 3", "BMW 3 Series"]}, []),
    ("fresh-sleep", ["how many hours of sleep does a {age} need", "recommended sleep for a {age}?",
                     "how much should a {age} sleep each night", "ideal amount of sleep for a {age}"],
     {"age": ["teenager", "toddler", "adult", "newborn", "senior"]}, []),
    ("fresh-api-key", ["where do I find my API key in the {svc} dashboard", "how can I get my {svc} API key?",
                       "locate the API key for my {svc} account", "{svc}: where is my API key"],
     {"svc": ["Stripe", "OpenAI", "Twilio", "SendGrid", "Mapbox"]}, [("polarity", "find", "revoke"), ("polarity", "get", "rotate")]),
]


def fill(template, slots):
    out = template
    for k, v in slots.items():
        out = out.replace("{" + k + "}", v)
    return out


def generate(seed=20251202, families=None):
    rnd = random.Random(seed)
    rows = []
    for family, phrasings, slot_values, rewrites in (FAMILIES if families is None else families):
        names = sorted(slot_values)
        combos = set()
        for _ in range(40):
            combos.add(tuple(rnd.choice(slot_values[n]) for n in names))
        combos = sorted(combos)[:8] if names else [()]
        for combo in combos:
            slots = dict(zip(names, combo))
            # paraphrases: distinct phrasings, same slots
            for i in range(len(phrasings)):
                for j in range(i + 1, len(phrasings)):
                    if rnd.random() < (0.5 if names else 1.0):
                        rows.append({"a": fill(phrasings[i], slots), "b": fill(phrasings[j], slots), "label": 1,
                                     "kind": "chat-paraphrase", "group": family})
            # near misses: another value of one slot
            for n in names:
                others = [v for v in slot_values[n] if v != slots[n]]
                if not others:
                    continue
                changed = dict(slots)
                changed[n] = rnd.choice(others)
                i, j = rnd.randrange(len(phrasings)), rnd.randrange(len(phrasings))
                rows.append({"a": fill(phrasings[i], slots), "b": fill(phrasings[j], changed), "label": 0,
                             "kind": "chat-slot-" + n, "group": family})
            # near misses: the written rewrites (negation, polarity, entity, number)
            for kind, old, new in rewrites:
                for i, p in enumerate(phrasings):
                    text = fill(p, slots)
                    if old in text:
                        j = rnd.randrange(len(phrasings))
                        rows.append({"a": fill(phrasings[j], slots), "b": text.replace(old, new, 1), "label": 0,
                                     "kind": "chat-" + kind, "group": family})
    # dedupe
    seen, out = set(), []
    for r in rows:
        key = (r["a"], r["b"])
        if key not in seen and r["a"] != r["b"]:
            seen.add(key)
            out.append(r)
    return out


if __name__ == "__main__":
    rows = generate()
    print(len(rows), sum(r["label"] for r in rows))
