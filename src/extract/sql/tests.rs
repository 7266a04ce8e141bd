//! Unit tests of the SQL extractor: one small dump per quirk, asserting the cells and their
//! locations. Kept beside `mod.rs` because the quirks outnumber the parser's lines.

use super::*;

/// One emitted cell as `(container.field, line, text)`; plain cells have an empty name.
type Got = (String, u64, String);

fn run(sql: &str) -> (Vec<Got>, Option<(Option<u64>, String)>) {
    let mut cells = Vec::new();
    let mut input = sql.as_bytes();
    let result = extract(
        &mut input,
        Schemas::new(),
        &mut Sampling::default(),
        &mut |cell| {
            let name = match (cell.container, cell.field) {
                (Some(table), Some(field)) => format!("{table}.{field}"),
                _ => String::new(),
            };
            cells.push((
                name,
                cell.line,
                String::from_utf8_lossy(cell.text).into_owned(),
            ));
        },
    );
    let error = match result {
        Ok(()) => None,
        Err(ExtractError::Malformed { line, reason }) => Some((line, reason)),
        Err(err) => panic!("unexpected error {err}"),
    };
    (cells, error)
}

/// The cells of a dump that must read without error.
fn cells(sql: &str) -> Vec<Got> {
    let (cells, error) = run(sql);
    assert_eq!(error, None);
    cells
}

/// Only the cells that belong to a table column.
fn values(sql: &str) -> Vec<Got> {
    cells(sql).into_iter().filter(|c| !c.0.is_empty()).collect()
}

fn got(name: &str, line: u64, text: &str) -> Got {
    (name.to_string(), line, text.to_string())
}

#[test]
fn copy_block_fields_become_column_cells_with_escapes_and_nulls() {
    let sql = "COPY public.customer (id, name, email, note) FROM stdin;\n\
               1\tO'Brien\tob@example.com\t\\N\n\
               2\tBack\\\\slash\t\\N\tline one\\nline two\\ttab\n\
               \\.\n";
    assert_eq!(
        values(sql),
        vec![
            got("public.customer.id", 2, "1"),
            got("public.customer.name", 2, "O'Brien"),
            got("public.customer.email", 2, "ob@example.com"),
            got("public.customer.id", 3, "2"),
            got("public.customer.name", 3, "Back\\slash"),
            got("public.customer.note", 3, "line one line two\ttab"),
        ]
    );
}

#[test]
fn copy_field_columns_are_character_columns() {
    let sql = "COPY t (a, b) FROM stdin;\nZoë\tz@example.com\n\\.\n";
    let mut columns = Vec::new();
    let mut input = sql.as_bytes();
    extract(
        &mut input,
        Schemas::new(),
        &mut Sampling::default(),
        &mut |cell| {
            if cell.field.is_some() {
                columns.push(cell.column)
            }
        },
    )
    .unwrap();
    assert_eq!(columns, [1, 5]);
}

#[test]
fn multi_row_insert_with_column_list_and_n_literals() {
    let sql = "INSERT INTO customer (customer_id, first_name, email) VALUES\n    \
               (1, N'Luís', N'luis@example.com'),\n    \
               (2, N'Zoë', NULL);\n";
    assert_eq!(
        values(sql),
        vec![
            got("customer.customer_id", 2, "1"),
            got("customer.first_name", 2, "Luís"),
            got("customer.email", 2, "luis@example.com"),
            got("customer.customer_id", 3, "2"),
            got("customer.first_name", 3, "Zoë"),
        ]
    );
}

#[test]
fn insert_without_column_list_uses_create_table_order() {
    let sql = "CREATE TABLE public.person (\n    id integer NOT NULL,\n    \
               \"Full Name\" text DEFAULT 'n/a'::text,\n    email character varying(80),\n    \
               CONSTRAINT person_email_check CHECK ((email <> ''::text))\n);\n\
               INSERT INTO public.person OVERRIDING SYSTEM VALUE VALUES (7, 'Ann O''Neil', \
               'ann@example.com');\n";
    assert_eq!(
        values(sql),
        vec![
            got("public.person.id", 7, "7"),
            got("public.person.Full Name", 7, "Ann O'Neil"),
            got("public.person.email", 7, "ann@example.com"),
        ]
    );
}

#[test]
fn insert_without_any_known_columns_names_fields_by_position() {
    let sql = "INSERT INTO actor VALUES (1,'PENELOPE','2006-02-15'),(2,'NICK',NULL);";
    let names: Vec<_> = values(sql).into_iter().map(|c| c.0).collect();
    assert_eq!(
        names,
        ["actor.#1", "actor.#2", "actor.#3", "actor.#1", "actor.#2"]
    );
}

#[test]
fn mysql_extended_insert_with_backticks_escapes_and_version_comments() {
    let sql = "-- MySQL dump 10.13\n\
               CREATE TABLE `address` (\n  `address_id` int NOT NULL,\n  `address` varchar(50),\n  \
               `location` geometry,\n  `phone` varchar(20),\n  PRIMARY KEY (`address_id`),\n  \
               KEY `idx` (`phone`)\n) ENGINE=InnoDB COMMENT='x';\n\
               /*!40000 ALTER TABLE `address` DISABLE KEYS */;\n\
               INSERT INTO `address` VALUES (1,'12 O\\'Brien St\\\\',/*!50705 0x0101,*/'555-0100'),\
               (2,\"Quai \\\"A\\\"\",0x00FF,'555-0199');\n\
               -- Dump completed on 2024-01-01\n";
    assert_eq!(
        values(sql),
        vec![
            got("address.address_id", 11, "1"),
            got("address.address", 11, "12 O'Brien St\\"),
            got("address.phone", 11, "555-0100"),
            got("address.address_id", 11, "2"),
            got("address.address", 11, "Quai \"A\""),
            got("address.phone", 11, "555-0199"),
        ]
    );
}

#[test]
fn multi_line_string_value_is_on_its_first_line() {
    let sql = "INSERT INTO notes (body) VALUES ('first line\nsecond@example.com');";
    assert_eq!(
        values(sql),
        vec![got("notes.body", 1, "first line\nsecond@example.com")]
    );
}

#[test]
fn strings_and_comments_outside_rows_are_plain_cells() {
    let sql = "-- owner: dba@example.com\nUPDATE t SET email = 'x@example.com' WHERE id = 1;\n";
    assert_eq!(
        cells(sql),
        vec![
            got("", 1, " owner: dba@example.com"),
            got("", 2, "x@example.com")
        ]
    );
}

#[test]
fn psql_meta_commands_are_skipped() {
    let sql = "\\restrict abc\nINSERT INTO t (a) VALUES ('v');\n\\unrestrict abc\n";
    assert_eq!(values(sql), vec![got("t.a", 2, "v")]);
}

#[test]
fn function_bodies_in_dollar_quotes_do_not_break_parsing() {
    let sql = "CREATE FUNCTION f() RETURNS text AS $_$ SELECT 'it''s; ok' $_$;\n\
               INSERT INTO t (a) VALUES ('after');\n";
    assert_eq!(values(sql), vec![got("t.a", 2, "after")]);
}

#[test]
fn insert_select_and_on_conflict_are_tolerated() {
    let sql = "INSERT INTO t (a) SELECT 'x';\n\
               INSERT INTO t (a) VALUES ('y') ON CONFLICT (a) DO UPDATE SET a = 'z';\n\
               INSERT INTO t (a) VALUES ('w');\n";
    let got_values: Vec<_> = values(sql).into_iter().map(|c| c.2).collect();
    assert_eq!(got_values, ["y", "w"]);
}

#[test]
fn unterminated_string_reports_its_line_after_earlier_values() {
    let sql = "INSERT INTO t (a) VALUES ('ok@example.com');\nINSERT INTO t (a) VALUES ('broken);\n";
    let (cells, error) = run(sql);
    assert_eq!(cells[0], got("t.a", 1, "ok@example.com"));
    let (line, reason) = error.expect("an error");
    assert_eq!(line, Some(2));
    assert!(reason.contains("unterminated string"), "{reason}");
}

#[test]
fn copy_without_end_marker_reports_the_line_where_rows_stop_matching() {
    let sql = "COPY t (a, b) FROM stdin;\nx@example.com\t1\n\n--\n-- Name: u\n";
    let (cells, error) = run(sql);
    assert_eq!(cells[0], got("t.a", 2, "x@example.com"));
    let (line, reason) = error.expect("an error");
    assert_eq!(line, Some(3));
    assert!(reason.contains("end marker"), "{reason}");
}

#[test]
fn copy_block_cut_at_end_of_input_is_an_error() {
    let (cells, error) = run("COPY t (a) FROM stdin;\nv1\nv2");
    assert_eq!(cells.len(), 2);
    let (_, reason) = error.expect("an error");
    assert!(reason.contains("no end marker"), "{reason}");
}

#[test]
fn pg_dump_without_closing_comment_is_truncated() {
    let sql = "--\n-- PostgreSQL database dump\n--\nINSERT INTO t (a) VALUES ('v');\n";
    let (cells, error) = run(sql);
    assert!(cells.contains(&got("t.a", 4, "v")));
    let (line, reason) = error.expect("an error");
    assert_eq!(line, Some(5));
    assert!(reason.contains("truncated"), "{reason}");
    let complete = format!("{sql}--\n-- PostgreSQL database dump complete\n--\n");
    assert_eq!(run(&complete).1, None);
}

#[test]
fn insert_cut_inside_a_row_reports_the_row_line() {
    let (cells, error) = run("INSERT INTO t (a, b) VALUES ('1', 'x'),\n('2', 'y");
    assert_eq!(cells.last(), Some(&got("t.b", 2, "y")));
    assert!(error.is_some());
    let (cells, error) = run("INSERT INTO t (a, b) VALUES ('1', 'x'),\n('2', 3");
    assert_eq!(cells.last(), Some(&got("t.b", 2, "3")));
    let (line, reason) = error.expect("an error");
    assert_eq!(line, Some(2));
    assert!(reason.contains("INSERT row"), "{reason}");
}

#[test]
fn sniffing_by_content_and_by_extension_hint() {
    assert!(is_sql(
        b"--\n-- PostgreSQL database dump\n--\n",
        "backup.txt"
    ));
    assert!(is_sql(b"-- MySQL dump 10.13\n", "x"));
    assert!(is_sql(b"COPY public.t (a) FROM stdin;\n", "data"));
    assert!(is_sql(b"select 1;", "query.SQL"));
    assert!(!is_sql(b"Dear reader, this is prose.", "notes.sql"));
    assert!(!is_sql(b"select 1;", "notes.txt"));
    assert!(!is_sql(
        b"12:00 app: ran INSERT INTO t VALUES (1)\n",
        "app.log"
    ));
}

#[test]
fn garbage_does_not_panic() {
    for sql in [
        "(((",
        "'",
        "\"",
        "`",
        "$a$",
        "/*",
        "COPY",
        "INSERT INTO",
        "CREATE TABLE t (",
        "\\",
    ] {
        let _ = run(sql);
    }
}

#[test]
fn sample_rows_limits_each_table_and_marks_it_cut() {
    let sql = "INSERT INTO a (x) VALUES ('1'), ('2'), ('3');\n\
               COPY b (y) FROM stdin;\nb1\nb2\nb3\n\\.\n\
               INSERT INTO a (x) VALUES ('4');\n\
               INSERT INTO c (z) VALUES ('only');\n";
    let mut sampling = Sampling::new(Some(2));
    let mut got = Vec::new();
    let mut input = sql.as_bytes();
    extract(&mut input, Schemas::new(), &mut sampling, &mut |cell| {
        got.push(String::from_utf8_lossy(cell.text).into_owned())
    })
    .expect("well-formed");
    assert_eq!(got, ["1", "2", "b1", "b2", "only"]);
    assert!(sampling.was_cut(Some("a")));
    assert!(sampling.was_cut(Some("b")));
    assert!(!sampling.was_cut(Some("c")));
}

#[test]
fn data_only_dump_takes_column_names_from_a_schema_file_beside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = "CREATE TABLE customer (\n  customer_id int,\n  email varchar(50)\n);\n";
    std::fs::write(dir.path().join("shop-schema.sql"), schema).expect("write schema");
    std::fs::write(dir.path().join("notes.sql"), "CREATE TABLE other (x int);").expect("write");
    let data = dir.path().join("shop-data.sql");
    std::fs::write(
        &data,
        "INSERT INTO customer VALUES (1,'jane@example.com');\n",
    )
    .expect("write");

    let known = sibling_schemas(&data);
    assert_eq!(
        known.get("customer"),
        Some(&vec!["customer_id".to_string(), "email".to_string()])
    );
    assert!(
        !known.contains_key("other"),
        "only files named like a schema are read"
    );

    let mut fields = Vec::new();
    let mut input: &[u8] = b"INSERT INTO customer VALUES (1,'jane@example.com');\n";
    extract(&mut input, known, &mut Sampling::default(), &mut |cell| {
        fields.push(cell.field.map(str::to_owned));
    })
    .expect("dump reads");
    assert_eq!(
        fields,
        vec![Some("customer_id".to_string()), Some("email".to_string())]
    );
}
