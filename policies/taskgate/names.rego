# How reasons name the task, the caller and the resource, so that every message says it the same way and a
# missing name never makes a reason (and with it a deny) undefined.
package taskgate.names

default task := "(unnamed task)"

task := input.task.name if is_string(input.task.name)

task := input.task.id if {
	not is_string(input.task.name)
	is_string(input.task.id)
}

default subject := "(unknown caller)"

subject := input.identity.subject if is_string(input.identity.subject)

default resource := "(unnamed resource)"

resource := input.resource.name if is_string(input.resource.name)

# A value in a reason as sprintf's %s writes it; a string (the usual case) is used as is, without a host call.
text(value) := value if is_string(value)

text(value) := sprintf("%s", [value]) if not is_string(value)
