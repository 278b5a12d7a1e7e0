# Bench policy: an HTTP request classified with string and regex builtins, as a gateway policy for an HTTP
# target does it: normalize the path, match it against routes, pull parameters out of the query string, screen
# headers, and write readable reasons.
package bench.strings

routes := [
	{"name": "invoice", "pattern": `^/api/v[0-9]+/invoices/[0-9]+$`},
	{"name": "invoices", "pattern": `^/api/v[0-9]+/invoices/?$`},
	{"name": "customer", "pattern": `^/api/v[0-9]+/customers/[a-z0-9-]{8,36}(/.*)?$`},
	{"name": "report", "pattern": `^/api/v[0-9]+/reports/(daily|weekly|monthly)/[0-9]{4}-[0-9]{2}$`},
	{"name": "export", "pattern": `^/api/v[0-9]+/exports/[^/]+\.(csv|json)$`},
	{"name": "health", "pattern": `^/(healthz|readyz|livez)$`},
]

blocked_globs := ["/admin/**", "/internal/**", "**/.git/**", "**/*.env", "/api/*/debug/**", "/api/*/exports/*.sql"]

path := lower(strings.replace_n({"//": "/", "%2f": "/", "%2F": "/", "/./": "/"}, input.request.path))

segments := split(trim(path, "/"), "/")

matched_routes contains r.name if {
	some r in routes
	regex.match(r.pattern, path)
}

params[match[1]] := match[2] if {
	some match in regex.find_all_string_submatch_n(`([a-z_]+)=([^&]*)`, input.request.query, -1)
}

blocked_by contains pattern if {
	some pattern in blocked_globs
	glob.match(pattern, ["/"], path)
}

suspicious contains sprintf("header %s carries %q", [upper(name), value]) if {
	some name, value in input.request.headers
	regex.match(`(?i)(<script|union\s+select|\.\./|\$\{jndi:)`, value)
}

suspicious contains sprintf("parameter %s is not a known name", [name]) if {
	some name, _ in params
	not regex.match(`^(page|per_page|sort|order|from|to|status|currency|customer_id|fields|q)$`, name)
}

notes contains concat(" ", [sprintf("%03d", [i]), upper(note.level), strings.replace_n({"\t": " ", "\n": " "}, note.text)]) if {
	some i, note in input.notes
}

decision := {
	"routes": matched_routes,
	"params": params,
	"blocked": blocked_by,
	"suspicious": suspicious,
	"notes": count(notes),
	"depth": count(segments),
	"summary": sprintf("%s %s: %d routes, %d blocked", [upper(input.request.method), path, count(matched_routes), count(blocked_by)]),
}
