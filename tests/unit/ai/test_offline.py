"""The offline generator: a table of prompts across every type; each must detect the type, validate,
render and name the things the prompt names. Plus the offline refinements."""

from __future__ import annotations

import re

import pytest
from autograph import render
from autograph.ai.offline import generate
from autograph.ai.offline.refine import refine
from autograph.errors import ValidationFailed

# (prompt, expected type, words that must appear in the diagram)
TABLE = [
    ("User signs up, verifies the email. If the email is valid, create the account, otherwise show an error. "
     "Finally send a welcome email", "flowchart", ["Verifies the email", "Create the account", "Show an error"]),
    ("Log in, enter the code, repeat until the code is accepted, open the dashboard", "flowchart",
     ["Enter the code", "The code is accepted?", "Open the dashboard"]),
    ("Process for returns: customer requests a return, check whether the item is damaged, refund the money",
     "flowchart", ["Customer requests a return", "The item is damaged?", "Refund the money"]),
    ("Receive the invoice. If the amount is over 1000, ask the manager to approve. Pay the supplier", "flowchart",
     ["Receive the invoice", "The amount is over 1000?", "Pay the supplier"]),
    ("Flowchart: boil water, add the pasta, cook for ten minutes, drain, serve", "flowchart",
     ["Boil water", "Add the pasta", "Drain", "Serve"]),
    ("Submit the form then validate the input. If it fails, go back to submit the form", "flowchart",
     ["Submit the form", "Validate the input"]),
    ("Workflow for a pull request: open the PR, run the tests. If the tests pass, merge it, otherwise fix the code "
     "and try again", "flowchart", ["Open the PR", "Run the tests", "Merge it"]),
    ("The user sends the login form to the web app. The web app asks the auth service to check the password. "
     "The auth service returns a token to the web app. The web app replies to the user", "sequence",
     ["User", "Web app", "Auth service", "token"]),
    ("The customer sends an order to the kitchen, the kitchen prepares the food, the waiter delivers it to the "
     "customer, the customer pays the cashier", "sequence", ["Customer", "Kitchen", "Waiter", "Cashier"]),
    ("Sequence diagram: browser requests the page from the server, server queries the database, database "
     "returns rows to the server, server responds with HTML to the browser", "sequence",
     ["Browser", "Server", "Database"]),
    ("Sequence diagram of a payment: the client calls the payment gateway. If the card is valid, the gateway "
     "confirms the payment to the client. Otherwise the gateway rejects the payment", "sequence",
     ["Client", "Payment gateway", "alt"]),
    ("Alice sends a message to Bob, Bob replies to Alice, Alice forwards it to Carol", "sequence",
     ["Alice", "Bob", "Carol"]),
    ("The app sends a request to the server. The app polls the server until the job is done. The server returns "
     "the result to the app", "sequence", ["App", "Server", "loop"]),
    ("Dog and Cat extend Animal. Animal has a name and age. Animal can eat and sleep. An Owner has many Dogs",
     "class", ["Animal <|-- Dog", "Animal <|-- Cat", "eat()", "Owner"]),
    ("Class diagram: Car and Truck inherit from Vehicle. Vehicle has a speed and a weight. Vehicle can drive",
     "class", ["Vehicle <|-- Car", "Vehicle <|-- Truck", "speed", "drive()"]),
    ("SavingsAccount extends Account. Account has a balance. Account can deposit and withdraw. "
     "A Customer has many Accounts", "class", ["Account <|-- SavingsAccount", "balance", "deposit()", "Customer"]),
    ("Classes: Library, Book, Member. A Library has many Books. A Member can borrow and return", "class",
     ["Library", "Book", "Member", "borrow()"]),
    ("Square is a kind of Shape. Circle is a kind of Shape. Shape can draw", "class",
     ["Shape <|-- Square", "Shape <|-- Circle", "draw()"]),
    ("A customer places many orders. Each order contains one or more products. Customers have a name and email",
     "er", ["CUSTOMER ||--o{ ORDER", "ORDER ||--|{ PRODUCT", "email"]),
    ("ER diagram: an author writes many books, a book has one publisher", "er",
     ["AUTHOR ||--o{ BOOK", "PUBLISHER"]),
    ("Data model: a student enrolls in many courses, a course has many lessons", "er",
     ["STUDENT", "COURSE", "LESSON"]),
    ("Entity relationship: a department employs many employees. An employee has a salary and a hire date", "er",
     ["DEPARTMENT ||--o{ EMPLOYEE", "salary"]),
    ("A blog has many posts. Each post has zero or more comments. A comment belongs to a user", "er",
     ["BLOG ||--o{ POST", "POST ||--o{ COMMENT", "USER"]),
    ("An order starts in pending. Pending goes to paid when payment succeeds. Paid moves to shipped when "
     "dispatched. Shipped goes to delivered on arrival", "state",
     ["Pending", "Paid", "Shipped", "Delivered", "[*] -->"]),
    ("State machine for a door: closed goes to open when pushed, open goes to closed when released, closed "
     "goes to locked when the key turns", "state", ["Closed", "Open", "Locked"]),
    ("The states are draft, review, published and archived", "state", ["Draft", "Review", "Published", "Archived"]),
    ("A ticket transitions from new to in progress when assigned, in progress changes to resolved when fixed",
     "state", ["New", "In progress", "Resolved"]),
    ("Traffic light states: red goes to green after 60 seconds, green goes to yellow, yellow goes to red",
     "state", ["Red", "Green", "Yellow"]),
    ("Design takes 5 days, then build for 2 weeks, then testing 4 days, launch milestone", "gantt",
     ["Design", "Build", "Testing", "14d"]),
    ("Project plan: research 3 days, prototype 1 week after research, user testing 5 days", "gantt",
     ["Research", "Prototype", "User testing", "after t1"]),
    ("Gantt chart for the house: foundation 10 days, walls 3 weeks, roof 1 week, painting 4 days", "gantt",
     ["Foundation", "Walls", "Roof", "Painting", "21d"]),
    ("Sprint tasks: write specs 2 days, code 6 days in parallel with specs, review 1 day", "gantt",
     ["Write specs", "Review"]),
    ("History of Apple: 1976 Apple founded, 1984 Macintosh launched, 2007 iPhone released, 2010 iPad", "timeline",
     ["1976", "Apple founded", "2007", "IPhone released"]),
    ("Timeline of the web: 1991 first website, 1998 Google founded, 2004 Facebook launched", "timeline",
     ["1991", "First website", "2004"]),
    ("In 1969 humans landed on the Moon. In 1990 Hubble launched. In 2021 Webb launched", "timeline",
     ["1969", "Humans landed on the Moon", "2021"]),
    ("Mind map about healthy living: diet (fruit, vegetables), exercise (running, yoga), sleep", "mindmap",
     ["Healthy living", "Diet", "Fruit", "Yoga", "Sleep"]),
    ("Brainstorm a product launch: marketing, pricing, support, partnerships", "mindmap",
     ["Marketing", "Pricing", "Support", "Partnerships"]),
    ("Mindmap of machine learning: supervised: regression, classification. unsupervised: clustering", "mindmap",
     ["Machine learning", "Regression", "Clustering"]),
    ("How I spend my day: sleep 8 hours, work 9 hours, commute 1 hour, leisure 6 hours", "pie",
     ['"Sleep" : 8', '"Work" : 9', '"Leisure" : 6']),
    ("Show the lifecycle of a job: queued, running, succeeded or failed", "state",
     ["Queued", "Running", "Succeeded", "Failed"]),
    ("Create a class diagram for a library system with books, members and loans", "class",
     ["LibrarySystem", "Book", "Member", "Loan"]),
    ("A user uploads a photo, the server resizes it, stores it in S3 and notifies the user", "sequence",
     ["User", "Server", "S3", "Notifies"]),
    ("Monthly budget: rent 40%, food 25%, transport 15%, savings 20%", "pie",
     ['"Rent" : 40', '"Food" : 25', '"Savings" : 20']),
    ("Pie chart of pets: dogs 45, cats 30, fish 25", "pie", ['"Dogs" : 45', '"Cats" : 30']),
    ("Market share: 60% Android, 38% iOS, 2% other", "pie", ['"Android" : 60', '"IOS" : 38']),
    ("A React web app talks to an API gateway which calls the orders service. The orders service writes to a "
     "Postgres database and publishes to an SQS queue. A worker reads from the queue. The orders service uses "
     "a Redis cache", "architecture", ["React web app", "API gateway", "Orders service", "Postgres database",
                                       "SQS queue", "Redis cache", "subgraph"]),
    ("System architecture: mobile app, load balancer, user service, payment service, MySQL database, Kafka topic",
     "architecture", ["Mobile app", "Load balancer", "User service", "MySQL database", "Kafka topic"]),
    ("Architecture diagram of a serverless backend: the browser calls API gateway, a Lambda function stores "
     "data in DynamoDB and files in an S3 bucket", "architecture", ["Browser", "Lambda function", "DynamoDB"]),
]


@pytest.mark.parametrize(("prompt", "dtype", "words"), TABLE, ids=[f"{t[1]}-{i}" for i, t in enumerate(TABLE)])
def test_prompt_table(prompt: str, dtype: str, words: list[str]) -> None:
    detected, title, source = generate(prompt)
    assert detected == dtype, source
    result = render.validate(source)
    assert result["valid"], (source, result["errors"])
    assert render.render(source, "svg").startswith(b"<svg")
    for word in words:
        assert word in source, (word, source)
    assert title


def test_table_covers_every_type_with_40_prompts() -> None:
    assert len(TABLE) >= 40
    assert {t[1] for t in TABLE} == {"flowchart", "sequence", "class", "state", "er", "gantt", "timeline",
                                     "mindmap", "pie", "architecture"}


def test_explicit_type_wins_and_is_deterministic() -> None:
    prompt = "customer, order, product"
    assert generate(prompt, "mindmap")[0] == "mindmap"
    assert generate(prompt, "pie") == generate(prompt, "pie")


def test_hostile_text_stays_inside_labels() -> None:
    _, _, source = generate('Click "here"]; click a call evil() then <script>alert(1)</script> {x}')
    assert render.validate(source)["valid"]
    assert "<script" not in source and "click a" not in source.split("\n", 1)[0]


FLOW = generate("Log in, enter the code, check whether the code is valid, open the dashboard")[2]


@pytest.mark.parametrize(("instruction", "expect", "absent"), [
    ("add a step Send an SMS after enter the code", ["Send an SMS"], []),
    ("add a step Show a captcha before log in", ["Show a captcha"], []),
    ("remove enter the code", [], ["Enter the code"]),
    ("rename open the dashboard to Show the home page", ["Show the home page"], ["Open the dashboard"]),
    ("connect open the dashboard to log in", ["Open the dashboard"], []),
    ("change the direction to left to right", ["flowchart LR"], ["flowchart TD"]),
])
def test_offline_refinements(instruction: str, expect: list[str], absent: list[str]) -> None:
    out = refine(FLOW, instruction)
    assert render.validate(out)["valid"], out
    assert out != FLOW
    for word in expect:
        assert word in out
    for word in absent:
        assert word not in out


def test_add_attribute_to_entity() -> None:
    er = generate("A customer places many orders")[2]
    out = refine(er, "add an attribute loyalty tier to customer")
    assert "string loyalty_tier" in out and render.validate(out)["valid"]


def test_unknown_instruction_is_a_clear_422() -> None:
    with pytest.raises(ValidationFailed) as err:
        refine(FLOW, "make it prettier")
    assert "understands" in err.value.detail
    with pytest.raises(ValidationFailed):
        refine(FLOW, "remove the unicorn stable")


SALAD = ("the a user server if then otherwise until repeat 5 days 2007 40% has many extends goes to when : , . "
         "( ) [ ] { } \" ' # ; | < > --> & \\ émoji 漢字 service database queue cache state order customer sends "
         "returns one or more belongs")


@pytest.mark.parametrize("seed", range(3))
def test_word_salad_always_validates_and_refines_safely(seed: int) -> None:
    import random

    from autograph.ai.offline import TYPES

    rng, words = random.Random(seed), SALAD.split()
    for _ in range(40):
        prompt = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        _, _, source = generate(prompt, rng.choice(("auto", *TYPES)))
        assert render.validate(source)["valid"], (prompt, source)
        for instruction in ("remove user", "rename user to person", "add a step X after user", "connect a to b",
                            "add an attribute x to customer"):
            try:
                out = refine(source, instruction)
            except ValidationFailed:
                continue
            assert render.validate(out)["valid"], (instruction, source, out)


@pytest.mark.parametrize(("prompt", "edges"), [
    # no comma between the condition and its action: the action starts at its subject
    ("A customer places an order; if payment succeeds the warehouse ships it, otherwise the customer "
     "is notified and tries again",
     {('"Payment succeeds?"', "yes", '"The warehouse ships it"'),
      ('"Payment succeeds?"', "no", '"The customer is notified"'),
      ('"The customer is notified"', None, '"A customer places an order"')}),
    # "then" splits the condition from its action: the action is the yes branch only
    ("if the build passes then deploy, otherwise notify the team",
     {('"The build passes?"', "yes", '"Deploy"'), ('"The build passes?"', "no", '"Notify the team"')}),
    # a condition with no "otherwise": "no" skips ahead to the next step
    ("Open the app. If the user is new, show onboarding. Then show the home screen.",
     {('"The user is new?"', "yes", '"Show onboarding"'), ('"Show onboarding"', None, '"Show the home screen"'),
      ('"The user is new?"', "no", '"Show the home screen"')}),
])
def test_decisions_branch_where_the_words_say(prompt: str, edges: set[tuple[str, str | None, str]]) -> None:
    _, _, source = generate(prompt, "flowchart")
    labels = dict(re.findall(r"^\s+(n\d+)\S*?[\[({]+(\"[^\"]*\")", source, re.M))
    found = set()
    for a, text, b in re.findall(r"^\s+(n\d+) -->(?:\|\"([^\"]*)\"\|)? (n\d+)", source, re.M):
        found.add((labels[a], text or None, labels[b]))
    assert edges <= found, source
    assert not any(a == '"The build passes?"' and t == "no" and b == '"Deploy"' for a, t, b in found)


def test_a_step_added_after_a_branch_keeps_the_answer_on_the_decision_edge() -> None:
    source = 'flowchart TD\n  a["Start"] --> b{"Ok?"}\n  b -->|"yes"| c["Go"]\n'
    out = refine(source, "add a step Log it after Ok")
    assert re.search(r'^\s+b -->\|"yes"\| (n\d+)$', out, re.M), out
    new = re.search(r'^\s+b -->\|"yes"\| (n\d+)$', out, re.M).group(1)
    assert re.search(rf'^\s+{new} --> c\["Go"\]$', out, re.M), out  # c keeps its label
    assert render.validate(out)["valid"]
