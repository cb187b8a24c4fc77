/*
 * test_csv_parse.c - the CSV payload parser: quoting, embedded delimiters
 * and newlines, CRLF, NULL vs empty, trailing delimiters, header vs
 * configured names, mismatched counts with their line, BOM, options,
 * zero copy, rollback.
 */
#include <stdlib.h>

#include "common/buf.h"
#include "parse/csv_parse.h"
#include "rows_text_fixture.h"
#include "test.h"

static const char *const names_abc[] = {"a", "b", "c"};
static const char *const names_meters[] = {"id",    "ts",       "current", "voltage",
                                           "phase", "location", "groupid"};
static const char *const names_v[] = {"v"};

/* The configurations the cases use, by index. */
static const k2td_csv_opts_t configs[] = {
    {.names = names_abc, .nnames = 3},                                   /* 0 */
    {.header = 1},                                                       /* 1 */
    {.delimiter = ';', .quote = '\'', .names = names_abc, .nnames = 3},  /* 2 */
    {.delimiter = '\t', .names = names_abc, .nnames = 3},                /* 3 */
    {.names = names_v, .nnames = 1},                                     /* 4 */
    {.names = names_meters, .nnames = 7},                                /* 5 */
    {.delimiter = '|', .header = 1},                                     /* 6 */
};

typedef struct csv_case {
    int config;
    const char *in;
    size_t len; /* 0: strlen(in) */
    int rows;   /* -1: an error, out is then the message */
    const char *out;
} csv_case_t;

static const csv_case_t csv_cases[] = {
    {0, "1,2,3", 0, 1, "a=1 b=2 c=3"},
    {0, "1,2,3\n4,5,6\n", 0, 2, "a=1 b=2 c=3 | a=4 b=5 c=6"},
    {0, "1,2,3\r\n4,5,6\r\n", 0, 2, "a=1 b=2 c=3 | a=4 b=5 c=6"},
    {0, "1,2,3\r", 0, 1, "a=1 b=2 c=3"},
    {0, "1,2,3\n\n\r\n4,5,6\n\n", 0, 2, "a=1 b=2 c=3 | a=4 b=5 c=6"},
    /* NULL vs empty string */
    {0, "1,,3", 0, 1, "a=1 b:N c=3"},
    {0, ",,", 0, 1, "a:N b:N c:N"},
    {0, "1,\"\",3", 0, 1, "a=1 b= c=3"},
    {0, "1,2,\r\n", 0, 1, "a=1 b=2 c:N"},
    /* quoting */
    {0, "\"x,y\",\"line1\nline2\",z", 0, 1, "a=x,y b=line1\\x0aline2 c=z"},
    {0, "\"x\r\ny\",2,\"3\"\r\n", 0, 1, "a=x\\x0d\\x0ay b=2 c=3"},
    {0, "\"say \"\"hi\"\"\",2,3", 0, 1, "a=say \"hi\"~ b=2 c=3"},
    {0, "\"\"\"\",\"a\"\"\",\"\"\"\"\"\"", 0, 1, "a=\"~ b=a\"~ c=\"\"~"},
    {0, "5\" screen,x\"y,\"", 0, -1, "line 1: field 3: unterminated quoted field"},
    {0, "5\" screen,x\"y,z\"", 0, 1, "a=5\" screen b=x\"y c=z\""},
    {0, "1,\"abc", 0, -1, "line 1: field 2: unterminated quoted field"},
    {0, "1,2,3\n4,\"5\n6", 0, -1, "line 2: field 2: unterminated quoted field"},
    {0, "\"a\"b,2,3", 0, -1, "line 1: field 1: unexpected character after the closing quote"},
    {0, "1,2,\"3\" \n", 0, -1, "line 1: field 3: unexpected character after the closing quote"},
    {0, "1,2,\"3\"\rx", 0, -1, "line 1: field 3: unexpected character after the closing quote"},
    {0, "1,\"a\nb\nc\" x,3", 0, -1,
     "line 3: field 2: unexpected character after the closing quote"},
    /* spaces and other bytes are data */
    {0, " 1 , 2 ,3 ", 0, 1, "a= 1  b= 2  c=3 "},
    {0, " \"1\",2,3", 0, 1, "a= \"1\" b=2 c=3"},
    {0, "1,a\rb,3", 0, 1, "a=1 b=a\\x0db c=3"},
    {0, "1,\0,3", 5, 1, "a=1 b=\\x00 c=3"},
    {0, "\xE6\xB8\xA9,\"\xE5\xBA\xA6\",3", 0, 1, "a=\\xe6\\xb8\\xa9 b=\\xe5\\xba\\xa6 c=3"},
    /* field counts, with the line of the row */
    {0, "1,2,3,", 0, -1, "line 1: 4 fields, expected 3"},
    {0, "1,2,3,\n", 0, -1, "line 1: 4 fields, expected 3"},
    {0, "1,2", 0, -1, "line 1: 2 fields, expected 3"},
    {0, "1", 0, -1, "line 1: 1 field, expected 3"},
    {0, "1,2,3\n\n4,5\n", 0, -1, "line 3: 2 fields, expected 3"},
    {0, "\"a\nb\",2,3\n4,5,6,7,8", 0, -1, "line 3: 5 fields, expected 3"},
    /* BOM, empty payloads */
    {0, "\xEF\xBB\xBF" "1,2,3", 0, 1, "a=1 b=2 c=3"},
    {0, "\xEF\xBB\xBF", 0, -1, "line 1: empty payload"},
    {0, "", 0, -1, "line 1: empty payload"},
    {0, "\n\r\n", 0, -1, "line 3: empty payload"},
    {0, "\xEF\xBB", 0, -1, "line 1: 1 field, expected 3"},
    /* header mode: names from the first line of each message */
    {1, "a,b\n1,2\n3,4", 0, 2, "a=1 b=2 | a=3 b=4"},
    {1, "\xEF\xBB\xBFts,v\r\n1,2\r\n", 0, 1, "ts=1 v=2"},
    {1, "\n\nts,v\n1,2\n3", 0, -1, "line 5: 1 field, expected 2"},
    {1, "a,b\n", 0, 0, ""},
    {1, "a,b", 0, 0, ""},
    {1, "\"x,y\",\"q\"\"\",\"\xE6\xB8\xA9\"\n1,2,3", 0, 1, "x,y=1 q\"=2 \\xe6\\xb8\\xa9=3"},
    {1, "a,b\n1,2,3", 0, -1, "line 2: 3 fields, expected 2"},
    {1, "a,,c\n1,2,3", 0, -1, "line 1: column 2 has an empty name"},
    {1, "a,\"\",c\n1,2,3", 0, -1, "line 1: column 2 has an empty name"},
    {1, "a,b,a\n1,2,3", 0, -1, "line 1: column 3 has the same name as column 1"},
    {1, "\"a\nb\",a\n1,2", 0, 1, "a\\x0ab=1 a=2"},
    {1, "a,\"b\n", 0, -1, "line 1: field 2: unterminated quoted field"},
    {1, "", 0, -1, "line 1: empty payload"},
    {6, "x|y\n1|a,b", 0, 1, "x=1 y=a,b"},
    /* other delimiters and quotes */
    {2, "'a;b';'it''s';\"q\"", 0, 1, "a=a;b b=it's~ c=\"q\""},
    {2, "1,2,3", 0, -1, "line 1: 1 field, expected 3"},
    {3, "1\t\"x\ty\"\t3", 0, 1, "a=1 b=x\\x09y c=3"},
    /* one column: an empty line is skipped, a quoted empty field is not */
    {4, "1\n\n2\n\"\"\n", 0, 3, "v=1 | v=2 | v="},
    /* the canonical meters record */
    {5, "17,2024-01-01T00:00:17.123Z,27.17,217,0.17,California.SanFrancisco,7", 0, 1,
     "id=17 ts=2024-01-01T00:00:17.123Z current=27.17 voltage=217 phase=0.17 "
     "location=California.SanFrancisco groupid=7"},
};

static void test_cases(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    for (size_t i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
        const csv_case_t *c = &csv_cases[i];
        char err[256];
        k2td_csv_t *csv = k2td_csv_new(&configs[c->config], err, sizeof(err));
        if (!csv) {
            fprintf(stderr, "case %zu: config %d: %s\n", i, c->config, err);
            CHECK(csv != NULL);
            continue;
        }
        size_t len = c->len ? c->len : strlen(c->in);
        k2td_rowset_reset(&rs);
        strcpy(err, "stale");
        int n = k2td_csv_parse(csv, c->in, len, 5, &rs, err, sizeof(err));
        if (n != c->rows) fprintf(stderr, "case %zu: %d rows, err \"%s\"\n", i, n, err);
        CHECK_INT(n, c->rows);
        if (c->rows < 0) {
            CHECK_STR(err, c->out);
            CHECK_INT(rs.nrows, 0);
            CHECK_INT(rs.nfields, 0);
        } else {
            char *got = rows_text(&rs, 0, c->in, len);
            if (strcmp(got, c->out) != 0) fprintf(stderr, "case %zu:\n", i);
            CHECK_STR(got, c->out);
            free(got);
            CHECK_STR(err, "");
            for (size_t r = 0; r < rs.nrows; r++) CHECK_INT(rs.row_msg[r], 5);
        }
        k2td_csv_free(csv);
    }
    k2td_rowset_free(&rs);
}

typedef struct new_case {
    k2td_csv_opts_t opts;
    const char *err;
} new_case_t;

static const char *const names_dup[] = {"ts", "v", "ts"};
static const char *const names_empty[] = {"ts", ""};
static const char *const names_null[] = {"ts", NULL};

static const new_case_t new_cases[] = {
    {{.header = 1, .names = names_abc, .nnames = 3},
     "CSV needs either a header line or column names (exactly one of the two)"},
    {{0}, "CSV needs either a header line or column names (exactly one of the two)"},
    {{.names = names_dup, .nnames = 3}, "CSV column 3 has the same name as column 1 ('ts')"},
    {{.names = names_empty, .nnames = 2}, "CSV column 2 has an empty name"},
    {{.names = names_null, .nnames = 2}, "CSV column 2 has an empty name"},
    {{.header = 1, .delimiter = '\n'},
     "CSV delimiter and quote must be two different ASCII characters other than CR and LF"},
    {{.header = 1, .quote = '\r'},
     "CSV delimiter and quote must be two different ASCII characters other than CR and LF"},
    {{.header = 1, .delimiter = '"'},
     "CSV delimiter and quote must be two different ASCII characters other than CR and LF"},
    {{.header = 1, .delimiter = ';', .quote = ';'},
     "CSV delimiter and quote must be two different ASCII characters other than CR and LF"},
    {{.header = 1, .delimiter = (char)0xC3},
     "CSV delimiter and quote must be two different ASCII characters other than CR and LF"},
};

static void test_new_errors(void) {
    for (size_t i = 0; i < sizeof(new_cases) / sizeof(new_cases[0]); i++) {
        char err[256] = "";
        k2td_csv_t *csv = k2td_csv_new(&new_cases[i].opts, err, sizeof(err));
        CHECK(csv == NULL);
        if (strcmp(err, new_cases[i].err) != 0) fprintf(stderr, "new case %zu\n", i);
        CHECK_STR(err, new_cases[i].err);
        k2td_csv_free(csv);
    }
    /* too many columns, configured or in a header */
    const char **many = malloc((K2TD_CSV_MAX_COLUMNS + 1) * sizeof(char *));
    char (*text)[8] = malloc((K2TD_CSV_MAX_COLUMNS + 1) * sizeof(*text));
    k2td_buf_t header = K2TD_BUF_INIT;
    for (int i = 0; i <= K2TD_CSV_MAX_COLUMNS; i++) {
        snprintf(text[i], sizeof(text[i]), "c%d", i);
        many[i] = text[i];
        k2td_buf_printf(&header, "%sc%d", i ? "," : "", i);
    }
    char err[256];
    k2td_csv_opts_t opts = {.names = many, .nnames = K2TD_CSV_MAX_COLUMNS + 1};
    CHECK(k2td_csv_new(&opts, err, sizeof(err)) == NULL);
    CHECK_STR(err, "CSV has 4097 column names, more than 4096");
    opts.nnames = K2TD_CSV_MAX_COLUMNS;
    k2td_csv_t *csv = k2td_csv_new(&opts, err, sizeof(err));
    CHECK(csv != NULL);
    k2td_csv_free(csv);
    k2td_csv_opts_t hopts = {.header = 1};
    csv = k2td_csv_new(&hopts, err, sizeof(err));
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    CHECK_INT(k2td_csv_parse(csv, header.data, header.len, 0, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "line 1: more than 4096 columns");
    /* exactly the limit is fine: header plus a row of 4096 fields */
    k2td_buf_truncate(&header, header.len - strlen(",c4096"));
    size_t header_len = header.len;
    k2td_buf_putc(&header, '\n');
    for (int i = 0; i < K2TD_CSV_MAX_COLUMNS; i++)
        k2td_buf_printf(&header, "%s%d", i ? "," : "", i);
    CHECK_INT(k2td_csv_parse(csv, header.data, header.len, 0, &rs, err, sizeof(err)), 1);
    const k2td_field_t *f;
    CHECK_INT(k2td_rowset_row(&rs, 0, &f), K2TD_CSV_MAX_COLUMNS);
    CHECK_STR(f[4095].name, "c4095");
    CHECK_MEM(f[4095].v.str, f[4095].v.len, "4095");
    CHECK(f[4095].name < header.data || f[4095].name > header.data + header_len);
    k2td_csv_free(csv);
    k2td_rowset_free(&rs);
    k2td_buf_free(&header);
    free(many);
    free(text);
}

/* Several messages into one rowset: each has its own header; a failing
 * message leaves the earlier rows exactly as they were. */
static void test_messages_and_rollback(void) {
    k2td_rowset_t rs;
    k2td_rowset_init(&rs);
    char err[256];
    k2td_csv_opts_t hopts = {.header = 1};
    k2td_csv_t *csv = k2td_csv_new(&hopts, err, sizeof(err));
    const char *m0 = "ts,v\n1,2\n3,4", *m1 = "x,y,z\n\"a\"\"\",b,c", *m2 = "ts,v\n5,6\n7,8,9",
               *m3 = "v\n9";
    CHECK_INT(k2td_csv_parse(csv, m0, strlen(m0), 0, &rs, err, sizeof(err)), 2);
    CHECK_INT(k2td_csv_parse(csv, m1, strlen(m1), 1, &rs, err, sizeof(err)), 1);
    size_t nfields = rs.nfields;
    CHECK_INT(k2td_csv_parse(csv, m2, strlen(m2), 2, &rs, err, sizeof(err)), -1);
    CHECK_STR(err, "line 3: 3 fields, expected 2");
    CHECK_INT(rs.nrows, 3);
    CHECK_INT(rs.nfields, nfields);
    CHECK_INT(k2td_csv_parse(csv, m3, strlen(m3), 3, &rs, err, sizeof(err)), 1);
    char *got = rows_text(&rs, 0, m0, strlen(m0));
    /* m1's and m3's values are outside m0, so "~" marks them here */
    CHECK_STR(got, "ts=1 v=2 | ts=3 v=4 | x=a\"~ y=b~ z=c~ | v=9~");
    free(got);
    CHECK_INT(rs.row_msg[0], 0);
    CHECK_INT(rs.row_msg[2], 1);
    CHECK_INT(rs.row_msg[3], 3);
    /* values without doubled quotes point into their message */
    const k2td_field_t *f;
    k2td_rowset_row(&rs, 2, &f);
    CHECK(f[1].v.str == m1 + 12);
    k2td_rowset_row(&rs, 1, &f);
    CHECK(f[0].v.str == m0 + 9);
    k2td_csv_free(csv);
    k2td_rowset_free(&rs);
}

int main(void) {
    RUN(test_cases);
    RUN(test_new_errors);
    RUN(test_messages_and_rollback);
    return test_finish();
}
