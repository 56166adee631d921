"""Built-in starter templates: valid Mermaid, shipped as code (ids are stable `starter-*`)."""

from __future__ import annotations

STARTERS: list[dict[str, str]] = [
    {
        "id": "starter-3-tier-web-app",
        "name": "3-tier web app",
        "description": "Browser, load balancer, web/app tier and a database with a cache.",
        "mermaid": """flowchart LR
    user([User]) --> cdn[CDN]
    cdn --> lb[Load balancer]
    lb --> web1[Web server 1]
    lb --> web2[Web server 2]
    web1 --> app[Application tier]
    web2 --> app
    app --> cache[(Cache)]
    app --> db[(Primary database)]
    db --> replica[(Read replica)]
""",
    },
    {
        "id": "starter-serverless-api",
        "name": "Serverless API",
        "description": "API Gateway, Lambda functions, DynamoDB, S3 and an async queue.",
        "mermaid": """flowchart LR
    client([Client]) --> apigw[API Gateway]
    apigw --> authz[Authorizer Lambda]
    apigw --> fn[API Lambda]
    fn --> table[(DynamoDB)]
    fn --> bucket[(S3 bucket)]
    fn --> queue[[SQS queue]]
    queue --> worker[Worker Lambda]
    worker --> bucket
    queue -.-> dlq[[Dead-letter queue]]
""",
    },
    {
        "id": "starter-microservices",
        "name": "Microservices",
        "description": "Gateway, independent services with their own stores, and an event bus.",
        "mermaid": """flowchart TB
    client([Client]) --> gateway[API gateway]
    gateway --> users[User service]
    gateway --> orders[Order service]
    gateway --> catalog[Catalog service]
    users --> usersdb[(Users DB)]
    orders --> ordersdb[(Orders DB)]
    catalog --> catalogdb[(Catalog DB)]
    orders --> bus{{Event bus}}
    bus --> billing[Billing service]
    bus --> notify[Notification service]
""",
    },
    {
        "id": "starter-ecommerce-erd",
        "name": "E-commerce ERD",
        "description": "Customers, orders, line items, products and payments.",
        "mermaid": """erDiagram
    CUSTOMER ||--o{ ORDER : places
    ORDER ||--|{ ORDER_ITEM : contains
    PRODUCT ||--o{ ORDER_ITEM : "ordered in"
    ORDER ||--o| PAYMENT : "paid by"
    CUSTOMER {
        string id PK
        string email
        string name
    }
    ORDER {
        string id PK
        string customer_id FK
        date created_at
        string status
    }
    ORDER_ITEM {
        string order_id FK
        string product_id FK
        int quantity
    }
    PRODUCT {
        string id PK
        string name
        float price
    }
    PAYMENT {
        string id PK
        string order_id FK
        float amount
    }
""",
    },
    {
        "id": "starter-login-sequence",
        "name": "Login sequence",
        "description": "A user signs in; the API checks the password and issues tokens.",
        "mermaid": """sequenceDiagram
    actor User
    participant App
    participant API
    participant DB
    User->>App: Enter e-mail and password
    App->>API: POST /auth/login
    API->>DB: Find user by e-mail
    DB-->>API: User record
    alt password matches
        API-->>App: Access and refresh tokens
        App-->>User: Signed in
    else wrong password
        API-->>App: 401 Unauthorized
        App-->>User: Try again
    end
""",
    },
    {
        "id": "starter-ci-cd-pipeline",
        "name": "CI/CD pipeline",
        "description": "Commit, build, test, scan, deploy to staging, approve, deploy to production.",
        "mermaid": """flowchart LR
    commit([Commit]) --> build[Build]
    build --> test[Unit tests]
    test --> scan[Security scan]
    scan --> staging[Deploy to staging]
    staging --> e2e[End-to-end tests]
    e2e --> approve{Approved?}
    approve -->|yes| prod[Deploy to production]
    approve -->|no| fix[Fix and retry]
    fix --> commit
""",
    },
]

BY_ID = {s["id"]: s for s in STARTERS}
