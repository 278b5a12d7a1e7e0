package taskgate_test

import data.taskgate

request := {
	"id": "apr_1",
	"requester": {"subject": "ci-backup", "issuer": "taskgate", "groups": ["ops", "dba"]},
	"approvers": ["group:dba", "user:carol"],
	"min": 1,
	"scope": "once",
}

person(subject, groups) := {"subject": subject, "issuer": "https://sso.example", "groups": groups}

test_a_member_of_an_approver_group_may_approve if {
	verdict := taskgate.approve with input as {"approver": person("bob", ["dba"]), "request": request}
	verdict == {"allowed": true, "reasons": ["bob approves as group:dba"]}
}

test_a_named_user_may_approve if {
	verdict := taskgate.approve with input as {"approver": person("carol", []), "request": request}
	verdict.allowed == true
}

test_someone_outside_the_approvers_may_not if {
	verdict := taskgate.approve with input as {"approver": person("mallory", ["dev"]), "request": request}
	verdict == {"allowed": false, "reasons": ["mallory is not one of the approvers this request names (group:dba, user:carol)"]}
}

test_a_group_name_must_match_exactly if {
	verdict := taskgate.approve with input as {"approver": person("dan", ["dba-readonly"]), "request": request}
	verdict.allowed == false
}

test_user_entry_does_not_match_a_group_of_that_name if {
	verdict := taskgate.approve with input as {"approver": person("erin", ["carol"]), "request": request}
	verdict.allowed == false
}

test_the_requester_may_not_approve_even_in_an_approver_group if {
	verdict := taskgate.approve with input as {"approver": person("ci-backup", ["dba"]), "request": request}
	verdict == {"allowed": false, "reasons": ["ci-backup asked for this approval and cannot approve it"]}
}
