package taskgate.masking_test

import data.taskgate.fixtures_test as fx
import data.taskgate.masking

select_users(column_names) := fx.postgres_request([fx.read_users], [fx.select_from("public.users", column_names)])

users_with(grant, columns) := fx.postgres_request([grant], [fx.statement("SELECT", ["public.users"], [], columns, true)])

test_selected_sensitive_columns_are_masked if {
	masks := masking.masks with input as select_users(["id", "ssn", "email", "card_number"])
	masks == {
		{"table": "public.users", "column": "ssn", "method": "redact"},
		{"table": "public.users", "column": "email", "method": "email"},
		{"table": "public.users", "column": "card_number", "method": "partial"},
	}
}

test_plain_columns_are_not_masked if {
	count(masking.masks) == 0 with input as select_users(["id", "name"])
}

test_select_star_masks_every_sensitive_column_of_the_table if {
	masks := masking.masks with input as select_users(["*"])
	masks == {
		{"table": "public.users", "column": "card_number", "method": "partial"},
		{"table": "public.users", "column": "date_of_birth", "method": "null"},
		{"table": "public.users", "column": "email", "method": "email"},
		{"table": "public.users", "column": "phone", "method": "partial"},
		{"table": "public.users", "column": "ssn", "method": "redact"},
	}
}

test_grant_listing_a_column_as_unmasked_lifts_its_mask if {
	grant := object.union(fx.read_users, {"unmasked": ["public.users.email"]})
	masks := masking.masks with input as users_with(grant, fx.columns("public.users", ["ssn", "email"], "select"))
	masks == {{"table": "public.users", "column": "ssn", "method": "redact"}}
}

test_unmasked_pattern_lifts_every_mask_it_matches if {
	grant := object.union(fx.read_users, {"unmasked": ["public.users.*"]})
	count(masking.masks) == 0 with input as users_with(grant, fx.columns("public.users", ["*"], "select"))
}

test_unmasked_on_another_resource_does_not_count if {
	elsewhere := {"resource": "reports-db", "actions": ["read"], "unmasked": ["public.users.*"]}
	request := fx.postgres_request([fx.read_users, elsewhere], [fx.select_from("public.users", ["ssn"])])
	masks := masking.masks with input as request
	masks == {{"table": "public.users", "column": "ssn", "method": "redact"}}
}

test_masked_column_in_where_is_denied if {
	columns := array.concat(fx.columns("public.users", ["id"], "select"), fx.columns("public.users", ["ssn"], "filter"))
	reasons := masking.deny with input as users_with(fx.read_users, columns)
	reasons == {"public.users.ssn is masked (redact) and used in filter, which masking cannot cover; select it without using it elsewhere, or ask for a task whose grant on orders-db lists it as unmasked"}
}

test_plain_column_of_a_masked_table_may_be_filtered if {
	columns := array.concat(fx.columns("public.users", ["email"], "select"), fx.columns("public.users", ["id"], "filter"))
	count(masking.deny) == 0 with input as users_with(fx.read_users, columns)
}

test_unmasked_column_may_be_filtered if {
	grant := object.union(fx.read_users, {"unmasked": ["public.users.ssn"]})
	count(masking.deny) == 0 with input as users_with(grant, fx.columns("public.users", ["ssn"], "filter"))
}

test_masked_column_in_order_by_or_expression_is_denied if {
	count(masking.deny) == 1 with input as users_with(fx.read_users, fx.columns("public.users", ["email"], "order"))
	count(masking.deny) == 1 with input as users_with(fx.read_users, fx.columns("public.users", ["email"], "expression"))
}

test_whole_row_in_an_expression_is_denied_for_each_masked_column if {
	count(masking.deny) == 5 with input as users_with(fx.read_users, fx.columns("public.users", ["*"], "expression"))
}

test_use_taskgate_does_not_know_is_denied if {
	count(masking.deny) == 1 with input as users_with(fx.read_users, fx.columns("public.users", ["ssn"], "window"))
}

test_writing_a_masked_column_is_neither_masked_nor_denied if {
	write_users := {"resource": "orders-db", "actions": ["write"], "objects": ["public.users"]}
	update := fx.statement("UPDATE", [], ["public.users"], fx.columns("public.users", ["ssn"], "set"), true)
	request := fx.postgres_request([write_users], [update])
	count(masking.masks) == 0 with input as request
	count(masking.deny) == 0 with input as request
}

test_copy_of_a_masked_table_is_denied if {
	copy := fx.statement("COPY", ["public.users"], [], [], false)
	reasons := masking.deny with input as fx.postgres_request([fx.read_users], [copy])
	reasons == {"COPY reads public.users, whose columns card_number, date_of_birth, email, phone, ssn are masked, and taskgate cannot mask COPY output; use SELECT instead"}
}

test_copy_of_a_plain_table_is_not_denied if {
	copy := fx.statement("COPY", ["public.orders"], [], [], false)
	count(masking.deny) == 0 with input as fx.postgres_request([fx.read_orders], [copy])
}

test_json_fields_of_an_http_resource_are_masked if {
	grant := {"resource": "billing-api", "actions": ["read"]}
	masks := masking.masks with input as fx.http_request([grant], "GET", "/v1/customers")
	masks == {
		{"path": "$.customers[*].card_number", "method": "partial"},
		{"path": "$.customers[*].email", "method": "email"},
	}
}

test_json_field_listed_as_unmasked_is_not_masked if {
	grant := {"resource": "billing-api", "actions": ["read"], "unmasked": ["$.customers[*].email"]}
	masks := masking.masks with input as fx.http_request([grant], "GET", "/v1/customers")
	masks == {{"path": "$.customers[*].card_number", "method": "partial"}}
}

test_catalog_is_extended_through_data if {
	catalog := {"public.orders": {"shipping_address": "redact"}}
	request := fx.postgres_request([fx.read_orders], [fx.select_from("public.orders", ["id", "shipping_address"])])
	masks := masking.masks with input as request with data.taskgate.catalog.masking.postgres as catalog
	masks == {{"table": "public.orders", "column": "shipping_address", "method": "redact"}}
}

test_catalog_method_taskgate_does_not_know_is_denied if {
	catalog := {"public.orders": {"note": "scramble"}}
	request := fx.postgres_request([fx.read_orders], [fx.select_from("public.orders", ["note"])])
	reasons := masking.deny with input as request with data.taskgate.catalog.masking.postgres as catalog
	reasons == {"the masking catalog names method scramble for public.orders.note, which is not one of email, hash, null, partial, redact"}
}

test_reasons_name_each_mask if {
	reasons := masking.reasons with input as select_users(["ssn"])
	reasons == {"public.users.ssn is masked (redact)"}
}
