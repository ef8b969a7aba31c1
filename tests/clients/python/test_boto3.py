"""boto3 (botocore's own serializers, parsers and SigV4 signer) against the emulator."""
import datetime
import json
import os
import subprocess
import sys

import botocore.exceptions
import pytest

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:message-review"


def test_room_lifecycle(emulator):
    ivs = emulator.client()
    room = ivs.create_room(name="boto", maximumMessageLength=300, tags={"k": "v"})
    assert len(room["id"]) == 12
    assert room["arn"] == f"arn:aws:ivschat:us-east-1:123456789012:room/{room['id']}"
    assert room["maximumMessageLength"] == 300
    assert room["maximumMessageRatePerSecond"] == 10
    assert isinstance(room["createTime"], datetime.datetime)
    assert room["createTime"].tzinfo is not None

    got = ivs.get_room(identifier=room["arn"])
    assert got["name"] == "boto"
    assert got["tags"] == {"k": "v"}

    updated = ivs.update_room(
        identifier=room["arn"],
        messageReviewHandler={"uri": LAMBDA, "fallbackResult": "DENY"},
    )
    assert updated["messageReviewHandler"] == {"uri": LAMBDA, "fallbackResult": "DENY"}
    assert updated["maximumMessageLength"] == 300

    listed = ivs.list_rooms(messageReviewHandlerUri=LAMBDA)["rooms"]
    assert [r["id"] for r in listed] == [room["id"]]

    resp = ivs.delete_room(identifier=room["arn"])
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ivs.exceptions.ResourceNotFoundException) as err:
        ivs.get_room(identifier=room["arn"])
    assert err.value.response["resourceType"] == "ROOM"


def test_pagination(emulator):
    ivs = emulator.client()
    ids = [ivs.create_room(name=f"r{i}")["id"] for i in range(5)]
    seen = []
    token = None
    while True:
        kwargs = {"maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        page = ivs.list_rooms(**kwargs)
        seen += [r["id"] for r in page["rooms"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == list(reversed(ids))


def test_logging_configurations_and_tags(emulator):
    ivs = emulator.client()
    config = ivs.create_logging_configuration(
        name="logs", destinationConfiguration={"cloudWatchLogs": {"logGroupName": "/ivs/chat"}}
    )
    assert config["state"] == "ACTIVE"
    room = ivs.create_room(loggingConfigurationIdentifiers=[config["arn"]])
    with pytest.raises(ivs.exceptions.ConflictException):
        ivs.delete_logging_configuration(identifier=config["arn"])
    ivs.update_room(identifier=room["arn"], loggingConfigurationIdentifiers=[])
    ivs.tag_resource(resourceArn=config["arn"], tags={"team": "chat"})
    assert ivs.list_tags_for_resource(resourceArn=config["arn"])["tags"] == {"team": "chat"}
    ivs.untag_resource(resourceArn=config["arn"], tagKeys=["team"])
    assert ivs.list_tags_for_resource(resourceArn=config["arn"])["tags"] == {}
    listed = ivs.list_logging_configurations()["loggingConfigurations"]
    assert [c["id"] for c in listed] == [config["id"]]
    ivs.delete_logging_configuration(identifier=config["arn"])


def test_chat_token_and_room_actions(emulator):
    ivs = emulator.client()
    room = ivs.create_room()
    token = ivs.create_chat_token(
        roomIdentifier=room["arn"],
        userId="alice",
        capabilities=["SEND_MESSAGE", "DELETE_MESSAGE"],
        sessionDurationInMinutes=15,
        attributes={"displayName": "Alice"},
    )
    assert set(token["token"]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
    remaining = token["sessionExpirationTime"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)
    assert len(ivs.send_event(roomIdentifier=room["arn"], eventName="app:hello")["id"]) == 12
    assert len(ivs.delete_message(roomIdentifier=room["arn"], id="M2YcHkgffEvU")["id"]) == 12
    ivs.disconnect_user(roomIdentifier=room["arn"], userId="alice", reason="bye")


def test_validation_errors_as_botocore_sees_them(emulator):
    ivs = emulator.client()
    with pytest.raises(ivs.exceptions.ValidationException) as err:
        ivs.create_room(maximumMessageRatePerSecond=1000)
    body = err.value.response
    assert body["reason"] == "FIELD_VALIDATION_FAILED"
    assert body["fieldList"][0]["name"] == "maximumMessageRatePerSecond"
    with pytest.raises(ivs.exceptions.ValidationException):
        ivs.get_room(identifier="not-an-arn")
    for _ in range(10):
        ivs.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "bucket"}})
    with pytest.raises(ivs.exceptions.ServiceQuotaExceededException) as err:
        ivs.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "bucket"}})
    assert err.value.response["limit"] == 10
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 402


def test_strict_sigv4_with_botocore_signer(strict_emulator):
    good = strict_emulator.client("AKIDSTRICT", "s3cr3t")
    room = good.create_room(tags={"a b": "c/d"})
    good.tag_resource(resourceArn=room["arn"], tags={"x": "y"})
    good.untag_resource(resourceArn=room["arn"], tagKeys=["a b", "x"])
    assert good.list_tags_for_resource(resourceArn=room["arn"])["tags"] == {}
    bad = strict_emulator.client("AKIDSTRICT", "wrong")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        bad.list_rooms()
    assert err.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_aws_cli(emulator):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
               AWS_ENDPOINT_URL=emulator.endpoint)

    def aws(*args):
        out = subprocess.run([sys.executable, "-m", "awscli", "ivschat", *args, "--output", "json"],
                             env=env, capture_output=True, text=True)
        return out

    created = aws("create-room", "--name", "from-cli")
    assert created.returncode == 0, created.stderr
    room = json.loads(created.stdout)
    listed = json.loads(aws("list-rooms").stdout)
    assert [r["id"] for r in listed["rooms"]] == [room["id"]]
    missing = aws("get-room", "--identifier", room["arn"][:-1] + "X")
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
