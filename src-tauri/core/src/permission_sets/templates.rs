//! Job-function templates and the bundled list of common AWS managed policies.
//!
//! Most permission sets start from one of AWS's job-function policies. A template is a
//! ready [`PermissionSetState`] the editor fills in (name, description, one managed policy,
//! a one-hour session). The managed policy list is bundled so the picker works offline and
//! without `iam:ListPolicies` (which would need another AWS SDK crate and an IAM permission);
//! every ARN here is a real AWS managed policy, including the `job-function/` path where AWS
//! puts it.

use serde::Serialize;

use super::PermissionSetState;

const POLICY_PREFIX: &str = "arn:aws:iam::aws:policy";

/// A job-function starting point for a new permission set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PermissionSetTemplate {
    /// Stable id (the AWS policy name).
    pub id: String,
    /// What the template is for, as the picker shows it.
    pub title: String,
    pub description: String,
    pub managed_policy_arn: String,
    /// The permission set this template creates; the admin may change every field.
    pub state: PermissionSetState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCategory {
    /// One of AWS's job-function policies (the templates).
    JobFunction,
    /// A commonly used AWS managed policy for one service or area.
    Service,
}

/// An AWS managed policy in the bundled list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ManagedPolicyInfo {
    pub arn: String,
    pub name: String,
    /// `/` or e.g. `/job-function/`.
    pub path: String,
    pub description: String,
    pub category: PolicyCategory,
}

/// (name, path, title, description) of the job-function policies, in the console's order.
const JOB_FUNCTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "AdministratorAccess",
        "/",
        "Administrator",
        "Full access to every AWS service and resource.",
    ),
    (
        "PowerUserAccess",
        "/",
        "Power user",
        "Full access to AWS services and resources, but not to IAM users, groups and roles or \
         AWS Organizations.",
    ),
    (
        "ReadOnlyAccess",
        "/",
        "Read only",
        "Read access to every AWS service and resource, including data in S3 and DynamoDB.",
    ),
    (
        "ViewOnlyAccess",
        "/job-function/",
        "View only",
        "See resources and their configuration across services, without reading their content.",
    ),
    (
        "Billing",
        "/job-function/",
        "Billing",
        "View and manage billing, payments, budgets and cost reports.",
    ),
    (
        "DatabaseAdministrator",
        "/job-function/",
        "Database administrator",
        "Set up, configure and maintain AWS database services (RDS, DynamoDB, Redshift and more).",
    ),
    (
        "DataScientist",
        "/job-function/",
        "Data scientist",
        "Run analytics and machine learning workloads (SageMaker, EMR, Athena, Glue and more).",
    ),
    (
        "NetworkAdministrator",
        "/job-function/",
        "Network administrator",
        "Set up and maintain networking: VPC, Route 53, Direct Connect, load balancers and more",
    ),
    (
        "SecurityAudit",
        "/",
        "Security auditor",
        "Read security configuration metadata across services, for audits and compliance.",
    ),
    (
        "SupportUser",
        "/job-function/",
        "Support user",
        "Contact AWS Support, open and manage support cases, and read resource state.",
    ),
    (
        "SystemAdministrator",
        "/job-function/",
        "System administrator",
        "Set up and maintain resources for development operations (EC2, CloudWatch and more).",
    ),
];

/// Common service policies (all under path `/`).
const SERVICE_POLICIES: &[(&str, &str)] = &[
    ("IAMFullAccess", "Full access to IAM."),
    (
        "IAMReadOnlyAccess",
        "Read IAM users, groups, roles and policies.",
    ),
    (
        "AWSSupportAccess",
        "Use AWS Support and the Support Center.",
    ),
    (
        "AWSBillingReadOnlyAccess",
        "Read billing, payments and cost data.",
    ),
    (
        "AWSOrganizationsReadOnlyAccess",
        "Read the AWS Organizations structure.",
    ),
    ("AWSOrganizationsFullAccess", "Manage AWS Organizations."),
    (
        "AWSAccountManagementReadOnlyAccess",
        "Read account settings (contacts, regions).",
    ),
    ("AmazonEC2FullAccess", "Full access to EC2."),
    ("AmazonEC2ReadOnlyAccess", "Read EC2 resources."),
    (
        "AmazonS3FullAccess",
        "Full access to S3 buckets and objects.",
    ),
    ("AmazonS3ReadOnlyAccess", "Read S3 buckets and objects."),
    ("AmazonRDSFullAccess", "Full access to RDS."),
    ("AmazonRDSReadOnlyAccess", "Read RDS resources."),
    ("AmazonDynamoDBFullAccess", "Full access to DynamoDB."),
    (
        "AmazonDynamoDBReadOnlyAccess",
        "Read DynamoDB tables and items.",
    ),
    ("AmazonVPCFullAccess", "Full access to VPC."),
    ("AmazonVPCReadOnlyAccess", "Read VPC resources."),
    ("AmazonRoute53FullAccess", "Full access to Route 53."),
    (
        "AmazonRoute53ReadOnlyAccess",
        "Read Route 53 zones and records.",
    ),
    ("AWSLambda_FullAccess", "Full access to Lambda."),
    ("AWSLambda_ReadOnlyAccess", "Read Lambda functions."),
    ("AmazonECS_FullAccess", "Full access to ECS."),
    ("AmazonSNSReadOnlyAccess", "Read SNS topics."),
    ("AmazonSQSReadOnlyAccess", "Read SQS queues."),
    ("AmazonAthenaFullAccess", "Full access to Athena."),
    ("AmazonSageMakerFullAccess", "Full access to SageMaker."),
    (
        "AWSCloudFormationFullAccess",
        "Full access to CloudFormation.",
    ),
    (
        "AWSCloudFormationReadOnlyAccess",
        "Read CloudFormation stacks.",
    ),
    ("CloudWatchFullAccessV2", "Full access to CloudWatch."),
    (
        "CloudWatchReadOnlyAccess",
        "Read CloudWatch metrics and alarms.",
    ),
    ("CloudWatchLogsReadOnlyAccess", "Read CloudWatch Logs."),
    (
        "AWSCloudTrail_ReadOnlyAccess",
        "Read CloudTrail trails and events.",
    ),
    ("AWSCloudShellFullAccess", "Use AWS CloudShell."),
    ("AmazonSSMFullAccess", "Full access to Systems Manager."),
    ("AmazonSSMReadOnlyAccess", "Read Systems Manager resources."),
    (
        "AWSKeyManagementServicePowerUser",
        "Manage KMS keys (not their use for decryption).",
    ),
    (
        "SecretsManagerReadWrite",
        "Read and write Secrets Manager secrets.",
    ),
    ("AWSCertificateManagerReadOnly", "Read ACM certificates."),
    ("AWSSecurityHubFullAccess", "Full access to Security Hub."),
    (
        "AWSSecurityHubReadOnlyAccess",
        "Read Security Hub findings.",
    ),
    ("AmazonGuardDutyReadOnlyAccess", "Read GuardDuty findings."),
    (
        "AmazonInspector2ReadOnlyAccess",
        "Read Amazon Inspector findings.",
    ),
    ("AWSConfigUserAccess", "Read AWS Config rules and history."),
    ("AWSBackupFullAccess", "Full access to AWS Backup."),
    ("AWSBudgetsReadOnlyAccess", "Read AWS Budgets."),
    ("ServiceQuotasReadOnlyAccess", "Read Service Quotas."),
    ("AWSHealthFullAccess", "Read AWS Health events."),
];

fn arn(name: &str, path: &str) -> String {
    format!("{POLICY_PREFIX}{path}{name}")
}

/// The job-function templates.
pub fn templates() -> Vec<PermissionSetTemplate> {
    JOB_FUNCTIONS
        .iter()
        .map(|(name, path, title, description)| {
            let policy = arn(name, path);
            PermissionSetTemplate {
                id: (*name).to_owned(),
                title: (*title).to_owned(),
                description: (*description).to_owned(),
                managed_policy_arn: policy.clone(),
                state: PermissionSetState {
                    name: (*name).to_owned(),
                    description: Some((*description).to_owned()),
                    session_duration: "PT1H".into(),
                    relay_state: None,
                    managed_policies: vec![policy],
                    customer_managed_policies: Vec::new(),
                    inline_policy: None,
                    permissions_boundary: None,
                    tags: Vec::new(),
                },
            }
        })
        .collect()
}

/// The bundled managed policies: job functions first, then service policies by name.
pub fn managed_policy_catalog() -> Vec<ManagedPolicyInfo> {
    let mut service: Vec<ManagedPolicyInfo> = SERVICE_POLICIES
        .iter()
        .map(|(name, description)| ManagedPolicyInfo {
            arn: arn(name, "/"),
            name: (*name).to_owned(),
            path: "/".into(),
            description: (*description).to_owned(),
            category: PolicyCategory::Service,
        })
        .collect();
    service.sort_by_key(|a| a.name.to_lowercase());
    JOB_FUNCTIONS
        .iter()
        .map(|(name, path, _, description)| ManagedPolicyInfo {
            arn: arn(name, path),
            name: (*name).to_owned(),
            path: (*path).to_owned(),
            description: (*description).to_owned(),
            category: PolicyCategory::JobFunction,
        })
        .chain(service)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_templates_use_the_real_arns() {
        let t = templates();
        assert_eq!(t.len(), 11);
        let by_id = |id: &str| {
            t.iter()
                .find(|x| x.id == id)
                .unwrap()
                .managed_policy_arn
                .clone()
        };
        assert_eq!(
            by_id("AdministratorAccess"),
            "arn:aws:iam::aws:policy/AdministratorAccess"
        );
        assert_eq!(
            by_id("SecurityAudit"),
            "arn:aws:iam::aws:policy/SecurityAudit"
        );
        for jf in [
            "ViewOnlyAccess",
            "Billing",
            "DatabaseAdministrator",
            "DataScientist",
            "NetworkAdministrator",
            "SupportUser",
            "SystemAdministrator",
        ] {
            assert_eq!(
                by_id(jf),
                format!("arn:aws:iam::aws:policy/job-function/{jf}")
            );
        }
        for template in &t {
            let problems = super::super::validate::validate_state(&template.state);
            assert!(problems.is_empty(), "{}: {problems:?}", template.id);
        }
    }

    #[test]
    fn permission_catalog_has_unique_valid_arns() {
        let c = managed_policy_catalog();
        let mut arns: Vec<_> = c.iter().map(|p| p.arn.as_str()).collect();
        arns.sort();
        arns.dedup();
        assert_eq!(arns.len(), c.len());
        for p in &c {
            assert!(
                super::super::validate::managed_policy_arn_problem(&p.arn).is_none(),
                "{}",
                p.arn
            );
        }
    }
}
