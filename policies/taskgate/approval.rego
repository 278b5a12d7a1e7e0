# Just-in-time approval. Risky operations (the lists live in data.taskgate.catalog.approval) are held until
# enough people other than the caller approve them: a DELETE or UPDATE without WHERE, DROP, TRUNCATE or ALTER,
# sudo over ssh, an http DELETE on a prod resource. The decider puts the approval that matches this very
# operation in input.approval; once it is approved, the same operation is allowed.
package taskgate.approval

import data.taskgate.names

config := data.taskgate.catalog.approval

postgres_statements := input.operation.postgres.statements if input.operation.kind == "postgres"

# ---------------------------------------------------------------------------------------------- risks

risks contains msg if {
	some statement in postgres_statements
	command := upper(statement.command)
	command in config.postgres.unfiltered_commands
	not statement.has_where
	msg := concat("", [command, " without WHERE changes every row of ", tables_of(statement)])
}

risks contains msg if {
	some statement in postgres_statements
	command := upper(statement.command)
	command in config.postgres.commands
	msg := concat("", [command, " on ", tables_of(statement)])
}

risks contains msg if {
	input.operation.kind == "ssh"
	input.operation.ssh.type == "exec"
	some program in programs_run(input.operation.ssh.command)
	program in config.ssh.programs
	msg := concat("", ["the command runs ", program, " on ", names.resource, ": ", input.operation.ssh.command])
}

risks contains msg if {
	input.operation.kind == "http"
	method := upper(input.operation.http.method)
	method in config.http.methods
	environment := input.resource.labels.env
	environment in config.http.environments
	msg := sprintf("%s %s on %s (env %s)", [method, input.operation.http.path, names.resource, environment])
}

tables_of(statement) := concat(", ", statement.writes) if count(statement.writes) > 0

tables_of(statement) := names.resource if count(statement.writes) == 0

# Every word of the command line by its base name, so `/usr/bin/sudo`, `env sudo` and `bash -c "sudo x"` all
# count as running sudo.
programs_run(command) := {base_name(word) | some word in regex.split("[\\s;&|()<>`'\"]+", command)}

base_name(path) := parts[count(parts) - 1] if parts := split(path, "/")

# ---------------------------------------------------------------------------------------------- state

# Approvals by the caller do not count: nobody approves their own risky operation.
approvers_counted := {person | some person in input.approval.approved_by; person != input.identity.subject}

approved if {
	input.approval.status == "approved"
	count(approvers_counted) >= config.min
}

rejected if input.approval.status == "rejected"

request := {
	"approvers": config.approvers[input.operation.kind],
	"min": config.min,
	"ttl_seconds": config.ttl_seconds,
	"scope": config.scope,
}

# ---------------------------------------------------------------------------------------------- reasons

required contains msg if {
	some risk in risks
	not approved
	not rejected
	msg := concat("", [risk, "; this needs approval by ", approvers_text])
}

# Kept apart from `request` so that a kind without configured approvers still holds the operation (and the
# decision, lacking a request to send, denies it).
default approvers_text := "an approver (none is configured for this kind of resource)"

approvers_text := concat(" or ", config.approvers[input.operation.kind])

required contains msg if {
	count(risks) > 0
	input.approval.status == "approved"
	not approved
	msg := sprintf("approval %v has %d of the %d approvals needed from people other than %s", [input.approval.id, count(approvers_counted), config.min, names.subject])
}

granted contains msg if {
	some risk in risks
	approved
	msg := sprintf("%s; approved by %s (approval %v)", [risk, concat(", ", approvers_counted), input.approval.id])
}

deny contains msg if {
	some risk in risks
	rejected
	msg := sprintf("%s; approval %v was rejected, so the operation stays denied", [risk, input.approval.id])
}

deny contains msg if {
	count(required) > 0
	not request
	msg := concat("", [
		"this operation needs approval, but the approval settings for ", input.operation.kind,
		" resources are incomplete (approvers, min, ttl_seconds, scope in data.taskgate.catalog.approval), so it is denied",
	])
}
