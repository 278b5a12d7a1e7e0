# Bench policy: a task with many grants. Each object the operation touches must be reached by a grant of the task
# that names the resource and the action and lists a glob pattern matching the object; every grant is visited,
# so the cost grows with the number of grants.
package bench.grants

needs contains {"action": input.operation.action, "object": object} if {
	some object in input.operation.objects
}

matching_grants contains g.id if {
	some g in input.task.grants
	g.resource == input.resource.name
	some need in needs
	grant_covers(g, need)
}

uncovered contains need if {
	some need in needs
	not covered(need)
}

covered(need) if {
	some g in input.task.grants
	g.resource == input.resource.name
	grant_covers(g, need)
}

grant_covers(g, need) if {
	need.action in g.actions
	some pattern in g.objects
	glob.match(pattern, ["."], need.object)
}

default allow := false

allow if {
	count(needs) > 0
	count(uncovered) == 0
}

decision := {"allow": allow, "matching_grants": matching_grants, "uncovered": uncovered}
