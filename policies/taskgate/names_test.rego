package taskgate.names_test

import data.taskgate.names

test_task_is_named_by_name_then_id if {
	names.task == "nightly-orders-backup" with input as {"task": {"id": "tsk_01", "name": "nightly-orders-backup"}}
	names.task == "tsk_01" with input as {"task": {"id": "tsk_01"}}
	names.task == "(unnamed task)" with input as {}
}

test_missing_names_still_read_as_text if {
	names.subject == "(unknown caller)" with input as {"identity": {"subject": 7}}
	names.resource == "(unnamed resource)" with input as {}
}
