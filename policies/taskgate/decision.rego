# The entry point, data.taskgate.decision. It gathers what each part of the policy asks for and answers with the
# worst of it: deny > require_approval > mask > allow. Nothing is allowed without proof (the task's grants cover
# every need of the operation and the task is live); whatever is left undefined falls to the default, deny.
package taskgate

import data.taskgate.approval
import data.taskgate.expiry
import data.taskgate.grants
import data.taskgate.masking
import data.taskgate.shape

default decision := {
	"verdict": "deny",
	"reasons": ["the taskgate policy reached no decision for this operation, so it is denied"],
	"mask": [],
}

decision := {"verdict": "deny", "reasons": deny_reasons, "mask": []} if verdict == "deny"

decision := {
	"verdict": "require_approval",
	"reasons": sort(approval.required),
	"mask": sort(masking.masks),
	"approval": approval.request,
} if verdict == "require_approval"

decision := {"verdict": verdict, "reasons": sort(allow_reasons), "mask": sort(masking.masks)} if {
	verdict in {"allow", "mask"}
}

# ---------------------------------------------------------------------------------------------- verdict

severity := ["allow", "mask", "require_approval", "deny"]

verdict := severity[max({rank | some rank, candidate in severity; candidate in verdicts})]

verdicts contains "allow" if permitted

verdicts contains "mask" if count(masking.masks) > 0

verdicts contains "require_approval" if count(approval.required) > 0

verdicts contains "deny" if count(denials) > 0

verdicts contains "deny" if not permitted

permitted if {
	grants.permitted
	expiry.live
}

# ---------------------------------------------------------------------------------------------- reasons

denials contains reason if some reason in shape.deny

denials contains reason if some reason in grants.deny

denials contains reason if some reason in expiry.deny

denials contains reason if some reason in masking.deny

denials contains reason if some reason in approval.deny

deny_reasons := sort(denials) if count(denials) > 0

deny_reasons := ["taskgate could not establish that the task permits this operation, so it is denied"] if {
	count(denials) == 0
}

allow_reasons contains reason if some reason in grants.reasons

allow_reasons contains reason if some reason in approval.granted

allow_reasons contains reason if some reason in masking.reasons
