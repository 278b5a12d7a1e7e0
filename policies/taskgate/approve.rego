# Who may approve a held operation (data.taskgate.approve). The decider asks this with the approver's verified
# identity and the request, and acts only on {"allowed": true}. An approver must match one of the approvers the
# decision asked for: `group:X` through their groups, `user:X` through their subject. The requester never may,
# and the decider refuses self-approval again whatever this says.
package taskgate

matched_approvers contains entry if {
	some entry in input.request.approvers
	startswith(entry, "group:")
	substring(entry, 6, -1) in input.approver.groups
}

matched_approvers contains entry if {
	some entry in input.request.approvers
	startswith(entry, "user:")
	substring(entry, 5, -1) == input.approver.subject
}

own_request if input.approver.subject == input.request.requester.subject

default approve := {"allowed": false, "reasons": ["the approve policy has no answer for this approver"]}

approve := {"allowed": false, "reasons": [msg]} if {
	own_request
	msg := sprintf("%s asked for this approval and cannot approve it", [input.approver.subject])
}

approve := {"allowed": false, "reasons": [msg]} if {
	not own_request
	count(matched_approvers) == 0
	msg := sprintf("%s is not one of the approvers this request names (%s)", [input.approver.subject, concat(", ", input.request.approvers)])
}

approve := {"allowed": true, "reasons": [msg]} if {
	not own_request
	count(matched_approvers) > 0
	msg := sprintf("%s approves as %s", [input.approver.subject, concat(", ", sort(matched_approvers))])
}
