//! template.yaml's functions, resolved into the emulator's policy file: every function is a
//! principal whose policies the emulator accepts, and the binary writes what the library makes.

use iam_policies::{Deployment, TEMPLATE, access_key, function_policies, policy_file};
use ivschat_emulator::iam::{Authorizer, Context, PolicyFile, Request};
use serde_json::json;

#[test]
fn every_function_of_the_template_is_a_principal_the_emulator_accepts() {
    let functions = function_policies(TEMPLATE, &Deployment::local()).unwrap();
    let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "message-review",
            "moderator",
            "room-provisioner",
            "token-issuer"
        ]
    );
    let file = policy_file(TEMPLATE, &Deployment::local()).unwrap();
    let authorizer = Authorizer::new(&file).expect("the emulator accepts every policy");
    let issuer = file.principal("AKIATOKENISSUER").unwrap();
    assert_eq!(
        issuer.arn,
        "arn:aws:sts::123456789012:assumed-role/TokenIssuerFunctionRole/token-issuer"
    );
    // !Sub and !GetAtt resolved to this deployment's ARNs.
    let text = serde_json::to_string(&file).unwrap();
    assert!(!text.contains("${"), "unresolved Sub: {text}");
    assert!(!text.contains("Fn::"), "unresolved intrinsic: {text}");
    let table = "arn:aws:dynamodb:us-east-1:123456789012:table/chat";
    let put = |keys: &[&str]| {
        Request::new(
            "dynamodb:PutItem",
            table,
            Context::new().with("dynamodb:LeadingKeys", keys.iter().copied()),
        )
    };
    assert!(
        authorizer
            .authorize("AKIATOKENISSUER", &put(&["USER#alice"]))
            .is_ok()
    );
    assert!(
        authorizer
            .authorize("AKIATOKENISSUER", &put(&["ROOM#x"]))
            .is_err()
    );
    assert!(
        authorizer
            .authorize(
                "AKIATOKENISSUER",
                &Request::new(
                    "ivschat:CreateChatToken",
                    "arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf123456",
                    Context::new()
                )
            )
            .is_ok()
    );
}

#[test]
fn the_deployment_names_the_table_and_the_account() {
    let deployment = Deployment {
        account_id: "999999999999".into(),
        region: "eu-west-1".into(),
        ..Deployment::local()
    }
    .with_name("ChatTable", "prod-chat");
    let file = policy_file(TEMPLATE, &deployment).unwrap();
    let text = serde_json::to_string(&file).unwrap();
    assert!(text.contains("arn:aws:dynamodb:eu-west-1:999999999999:table/prod-chat"));
    assert!(text.contains("arn:aws:ivschat:eu-west-1:999999999999:room/*"));
    assert!(!text.contains("123456789012"));
}

#[test]
fn sam_policy_templates_and_long_forms_expand() {
    let template = r#"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: worker
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Table
        - Statement:
            Effect: Allow
            Action: sqs:SendMessage
            Resource:
              Fn::Join: [":", ["arn", {"Ref": "AWS::Partition"}, "sqs", !Ref "AWS::Region", !Ref "AWS::AccountId", "q"]]
"#;
    let functions = function_policies(template, &Deployment::local()).unwrap();
    assert_eq!(functions[0].name, "worker");
    assert_eq!(access_key("worker"), "AKIAWORKER");
    assert_eq!(
        functions[0].policies[0]["Statement"][0]["Resource"],
        json!([
            "arn:aws:dynamodb:us-east-1:123456789012:table/Table",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Table/index/*"
        ])
    );
    assert_eq!(
        functions[0].policies[1]["Statement"]["Resource"],
        "arn:aws:sqs:us-east-1:123456789012:q"
    );
    let managed = "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies: [AWSLambdaBasicExecutionRole]\n";
    assert!(function_policies(managed, &Deployment::local()).is_err());
}

#[test]
fn the_binary_writes_the_file_the_library_makes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("policy.json");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_iam-policies"))
        .args(["--name", "ChatTable=chat", "--output"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        PolicyFile::load(&out).unwrap(),
        policy_file(TEMPLATE, &Deployment::local()).unwrap()
    );
}
