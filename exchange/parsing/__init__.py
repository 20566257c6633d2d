"""Reading workbooks into plain data: pure functions over cell values, no Django."""
