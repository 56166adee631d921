"""Creates what template.yaml declares on the target (moto or LocalStack): tables with keys, GSIs
and TTL; queues with their redrive policies; buckets with encryption, public-access blocks,
lifecycle rules and S3->SQS notifications; secrets; the SES sender identity.

Creation is idempotent, so restarting on a restored snapshot (or on LocalStack) is safe."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from .template import ACCOUNT_ID, Resolver

QUEUE_ATTRS = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
               "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize")


def _physical(stack: str, logical: str) -> str:
    return f"{stack}-{logical}".lower()


def _table(ddb: Any, name: str, props: dict[str, Any]) -> str:
    """Create the table (if new); return its ARN as the stand-in names it (account ids differ)."""
    args: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    try:
        arn = ddb.create_table(**args)["TableDescription"]["TableArn"]
    except ddb.exceptions.ResourceInUseException:
        return ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    return arn


def _queue(sqs: Any, name: str, props: dict[str, Any]) -> tuple[str, str]:
    attrs = {k: str(props[k]) for k in QUEUE_ATTRS if k in props}
    if props.get("RedrivePolicy"):
        attrs["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
    url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _bucket(s3: Any, name: str, props: dict[str, Any], region: str) -> None:
    try:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass
    if props.get("PublicAccessBlockConfiguration"):
        s3.put_public_access_block(Bucket=name,
                                   PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    if props.get("BucketEncryption"):
        rules = [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                 for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rules = (props.get("LifecycleConfiguration") or {}).get("Rules") or []
    if rules:
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={
            "Rules": [_lifecycle_rule(r) for r in rules]})


def _lifecycle_filter(rule: dict[str, Any]) -> dict[str, Any]:
    """Prefix and TagFilters -> {Prefix}, {Tag} or {And: {Prefix?, Tags}} (S3 allows one of them)."""
    prefix = rule.get("Prefix") or ""
    tags = [{"Key": t["Key"], "Value": str(t["Value"])} for t in rule.get("TagFilters") or []]
    if not tags:
        return {"Prefix": prefix}
    if len(tags) == 1 and not prefix:
        return {"Tag": tags[0]}
    both: dict[str, Any] = {"Tags": tags}
    if prefix:
        both["Prefix"] = prefix
    return {"And": both}


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's lifecycle shape -> the S3 API's."""
    out: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule.get("Status", "Enabled"),
                           "Filter": _lifecycle_filter(rule)}
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "NoncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])}
    return out


def _notifications(s3: Any, name: str, props: dict[str, Any]) -> None:
    config = props.get("NotificationConfiguration") or {}
    queues = []
    for q in config.get("QueueConfigurations") or []:
        entry: dict[str, Any] = {"QueueArn": q["Queue"], "Events": [q["Event"]]}
        rules = ((q.get("Filter") or {}).get("S3Key") or {}).get("Rules")
        if rules:
            entry["Filter"] = {"Key": {"FilterRules": rules}}
        queues.append(entry)
    if queues:
        s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration={"QueueConfigurations": queues})


def _secret(sm: Any, name: str, props: dict[str, Any]) -> str:
    try:
        return sm.describe_secret(SecretId=name)["ARN"]
    except sm.exceptions.ResourceNotFoundException:
        pass
    gen = props.get("GenerateSecretString") or {}
    alphabet = string.ascii_letters + string.digits
    value = props.get("SecretString") or "".join(
        secrets.choice(alphabet) for _ in range(int(gen.get("PasswordLength", 32))))
    return sm.create_secret(Name=name, SecretString=value, Description=props.get("Description", ""))["ARN"]


def create_all(resolver: Resolver, clients: Any) -> dict[str, str]:
    """Create every supported resource; fill the resolver's refs/attrs; return logical->physical."""
    template = resolver.template
    resources: dict[str, Any] = template.get("Resources", {})
    stack, region = resolver.stack_name, resolver.region
    created: dict[str, str] = {}

    def props_of(logical: str) -> dict[str, Any]:
        return resolver.resolve(resources[logical].get("Properties") or {})

    by_type: dict[str, list[str]] = {}
    for logical, spec in resources.items():
        by_type.setdefault(spec["Type"], []).append(logical)

    # Names that do not depend on other resources come first.
    for logical in by_type.get("AWS::Serverless::Function", []):
        name = _physical(stack, logical)
        resolver.refs[logical] = name
        resolver.attrs[(logical, "Arn")] = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"
    for logical in by_type.get("AWS::Serverless::LayerVersion", []):
        resolver.refs[logical] = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:layer:{logical}:1"
    for logical in by_type.get("AWS::Serverless::HttpApi", []):
        resolver.refs[logical] = "local"

    ddb = clients("dynamodb")
    for logical in by_type.get("AWS::DynamoDB::Table", []):
        props = props_of(logical)
        name = props.get("TableName") or _physical(stack, logical)
        resolver.refs[logical] = name
        resolver.attrs[(logical, "Arn")] = _table(ddb, name, props)
        created[logical] = name

    sqs = clients("sqs")
    queues = by_type.get("AWS::SQS::Queue", [])
    # Dead-letter queues (no redrive of their own) before the queues that point at them.
    for logical in sorted(queues, key=lambda q: "RedrivePolicy" in (resources[q].get("Properties") or {})):
        props = props_of(logical)
        name = props.get("QueueName") or _physical(stack, logical)
        url, arn = _queue(sqs, name, props)
        resolver.refs[logical] = url
        resolver.attrs[(logical, "Arn")] = arn
        resolver.attrs[(logical, "QueueName")] = name
        resolver.attrs[(logical, "QueueUrl")] = url
        created[logical] = url

    sm = clients("secretsmanager")
    for logical in by_type.get("AWS::SecretsManager::Secret", []):
        props = props_of(logical)
        name = props.get("Name") or _physical(stack, logical)
        arn = _secret(sm, name, props)
        resolver.refs[logical] = arn
        created[logical] = arn

    s3 = clients("s3")
    buckets = by_type.get("AWS::S3::Bucket", [])
    for logical in buckets:
        props = props_of(logical)
        name = props.get("BucketName") or _physical(stack, logical)
        _bucket(s3, name, props, region)
        resolver.refs[logical] = name
        resolver.attrs[(logical, "Arn")] = f"arn:aws:s3:::{name}"
        created[logical] = name
    for logical in buckets:
        _notifications(s3, resolver.refs[logical], props_of(logical))

    sender = resolver.parameters.get("MailSender")
    if sender:
        clients("ses").verify_email_identity(EmailAddress=sender)
    return created
