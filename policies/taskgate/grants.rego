# Least privilege per task. An operation is permitted only when, for every need of the operation, a grant of the
# task names the resource and the action and, when the grant lists objects, one of its patterns matches the
# object (glob patterns: `public.*`, `/var/backups/**`, `systemctl status *`).
package taskgate.grants

import data.taskgate.names
import data.taskgate.operation

# Characters that let one ssh command line run several programs or expand to anything; a command pattern
# cannot vouch for such a line, so only a grant without an objects list covers it.
shell_control_characters := [";", "&", "|", "`", "$", "<", ">", "(", ")", "\n", "\r"]

# Proof, not the absence of a reason to deny: at least one need, and every need covered.
permitted if {
	count(operation.needs) > 0
	count(uncovered) == 0
}

uncovered contains need if {
	some need in operation.needs
	not covered(need)
}

covered(need) if {
	some grant in resource_grants
	need.action in grant.actions
	grant_reaches(grant, need.object)
}

resource_grants contains grant if {
	some grant in input.task.grants
	grant.resource == input.resource.name
}

# A need on the resource as a whole asks for the action only.
grant_reaches(_, object) if object == null

# A grant that lists no objects reaches every object of its resource.
grant_reaches(grant, _) if not grant.objects

# What a pattern can vouch for depends on the object alone, so it is checked once, not once per pattern.
grant_reaches(grant, object) if {
	is_string(object)
	not opaque_command(object)
	some pattern in grant.objects
	glob.match(pattern, object_delimiters, object)
}

# `*` in a pattern never crosses a delimiter: `public.*` does not match `public.orders.id`, `/srv/*` does not
# match `/srv/a/b`. Commands have none, so `systemctl status *` matches any arguments.
object_delimiters := ["."] if input.operation.kind == "postgres"

object_delimiters := ["/"] if input.operation.kind == "http"

object_delimiters := ["/"] if operation.ssh_type == "sftp"

object_delimiters := [".", ":"] if operation.ssh_type == "forward"

object_delimiters := null if operation.ssh_type == "exec"

opaque_command(command) if {
	operation.ssh_type == "exec"
	some character in shell_control_characters
	contains(command, character)
}

# ---------------------------------------------------------------------------------------------- reasons

deny contains msg if {
	not input.task
	msg := concat("", [names.subject, " presented no task; taskgate allows only what a task grants, so ask for one (taskgate task issue)"])
}

deny contains msg if {
	input.task
	some action in {need.action | some need in uncovered; not need.setting}
	objects := objects_of(uncovered, action)
	msg := concat("", [
		"task ", names.task, " has no grant for ", action_on_resource(action, objects),
		"; ask for a task with ", grant_flags(action, objects),
	])
}

# A setting needs admin on the resource as a whole; the reason says which setting, since that is what to fix.
deny contains msg if {
	input.task
	some need in uncovered
	need.setting
	msg := concat("", [
		"task ", names.task, " may not change the server setting ", names.text(need.setting), " on ", names.resource,
		": read covers only the session settings of catalog.postgres.session_settings; ask for a task with ",
		grant_flags(need.action, []),
	])
}

reasons contains msg if {
	permitted
	some action in {need.action | some need in operation.needs}
	objects := objects_of(operation.needs, action)
	msg := concat("", ["task ", names.task, " grants ", action_on_resource(action, objects)])
}

objects_of(needs, action) := sort({need.object | some need in needs; need.action == action; need.object != null})

# An action from malformed input may be no string; it is still named, as sprintf's %s would write it.
action_on_resource(action, objects) := concat("", [names.text(action), " on ", names.resource]) if count(objects) == 0

action_on_resource(action, objects) := concat("", [names.text(action), " on ", names.resource, " (", concat(", ", objects), ")"]) if {
	count(objects) > 0
}

# The smallest grants that would cover the objects, as `taskgate task issue --grant` takes them.
grant_flags(action, objects) := grant_flag([names.resource, action]) if count(objects) == 0

grant_flags(action, objects) := concat(" ", {grant_flag(grant_spec(action, object)) | some object in objects}) if {
	count(objects) > 0
}

grant_spec(action, object) := [names.resource, action] if opaque_command(object)

grant_spec(action, object) := [names.resource, action, object] if not opaque_command(object)

grant_flag(parts) := concat("", ["--grant ", shell_word(concat(":", parts))])

shell_word(text) := text if regex.match(`^[A-Za-z0-9_./:@%+=,-]+$`, text)

shell_word(text) := concat("", ["'", replace(text, "'", `'\''`), "'"]) if not regex.match(`^[A-Za-z0-9_./:@%+=,-]+$`, text)
