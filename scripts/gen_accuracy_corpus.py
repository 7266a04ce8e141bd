#!/usr/bin/env python3
"""Generates tests/accuracy/corpus.tsv, the labelled corpus of the precision/recall suite.

Every identifier is generated here from its published algorithm, implemented a second time in
Python, independently of the Rust validators, so the suite also cross-checks them. Output is
deterministic (fixed seed); run `python3 scripts/gen_accuracy_corpus.py` from the repository
root and commit the result. Each line of the corpus is

    labels<TAB>field<TAB>text

where labels are the rule ids a reader expects piimap to report on that line at the default
confidence (comma-separated, `-` for none) and field is the column name the text came from
(`-` for plain text). All values are synthetic; names, domains and hosts are visibly fake.
"""

import random
import string
import sys
from pathlib import Path

rng = random.Random(20261125)
OUT = Path(__file__).resolve().parent.parent / "tests" / "accuracy" / "corpus.tsv"


def digits(n):
    return "".join(rng.choice(string.digits) for _ in range(n))


def wsum(ds, weights):
    return sum(int(d) * w for d, w in zip(ds, weights))


def date(y0=1940, y1=2005):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return y, m, d


def luhn_ok(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        v = int(c)
        if i % 2:
            v *= 2
            v = v - 9 if v > 9 else v
        total += v
    return total % 10 == 0


def luhn_complete(payload):
    return next(payload + c for c in string.digits if luhn_ok(payload + c))


def bump_last(s):
    """The same value with its last digit changed: a check-digit error."""
    i = max(i for i, c in enumerate(s) if c.isdigit())
    return s[:i] + str((int(s[i]) + rng.randint(1, 9)) % 10) + s[i + 1:]


# --- one generator per identifier: returns (formatted, bare) --------------------------------

def us_itin():
    group = rng.choice(list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] + list(range(94, 100)))
    a, s = digits(2), digits(4)
    return f"9{a}-{group:02}-{s}", f"9{a}{group:02}{s}"


def gb_nino():
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        p = rng.choice(first) + rng.choice(second)
        if p not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            break
    n = digits(6)
    suffix = rng.choice("ABCD")
    return f"{p} {n[:2]} {n[2:4]} {n[4:]} {suffix}", f"{p}{n}{suffix}"


def gb_nhs():
    while True:
        p = str(rng.randint(4, 7)) + digits(8)
        c = 11 - wsum(p, range(10, 1, -1)) % 11
        if c == 10:
            continue
        s = p + str(0 if c == 11 else c)
        return f"{s[:3]} {s[3:6]} {s[6:]}", s


def ie_ppsn():
    p = digits(7)
    second = rng.choice(["", "A", "B", "W"])
    v = wsum(p, range(8, 1, -1)) + (9 * (ord(second) - 64) if second in "AB" and second else 0)
    letter = "WABCDEFGHIJKLMNOPQRSTUV"[v % 23]
    s = p + letter + second
    return s, s


def fr_nir():
    while True:
        sex = rng.choice("12")
        y, m, _ = date()
        dept = rng.choice([f"{rng.randint(1, 95):02}", "2A", "2B"])
        if dept == "20":
            continue
        commune, order = digits(3), f"{rng.randint(1, 999):03}"
        body = f"{sex}{y % 100:02}{m:02}{dept}{commune}{order}"
        numeric = body.replace("2A", "19").replace("2B", "18")
        key = 97 - int(numeric) % 97
        return f"{sex} {y % 100:02} {m:02} {dept} {commune} {order} {key:02}", f"{body}{key:02}"


def de_tax_id():
    while True:
        first10 = rng.sample(string.digits, 10)
        i = rng.randint(1, 9)
        first10[i] = first10[i - 1]
        if first10[0] == "0":
            continue
        p = 10
        for c in first10:
            s = (p + int(c)) % 10 or 10
            p = s * 2 % 11
        c = (11 - p) % 10
        v = "".join(first10) + str(c)
        return f"{v[:2]} {v[2:5]} {v[5:8]} {v[8:]}", v


ES = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_dni():
    n = rng.randint(1000000, 99999999)
    s = f"{n:08}"
    return f"{s}-{ES[n % 23]}", f"{s}{ES[n % 23]}"


def es_nie():
    prefix = rng.choice("XYZ")
    n = digits(7)
    letter = ES[int("XYZ".index(prefix).__str__() + n) % 23]
    return f"{prefix}-{n}-{letter}", f"{prefix}{n}{letter}"


ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def it_fiscal_code():
    y, m, d = date()
    d = d + 40 if rng.random() < 0.5 else d
    letters = "".join(rng.choice("BCDFGLMNPRSTVZ") for _ in range(3)) + "".join(
        rng.choice("BCDFGLMNPRSTVZAEIOU") for _ in range(3))
    body = f"{letters}{y % 100:02}{'ABCDEHLMPRST'[m - 1]}{d:02}{rng.choice('ABCDEFGHLMZ')}{digits(3)}"
    total = 0
    for i, c in enumerate(body):
        idx = int(c) if c.isdigit() else ord(c) - 65
        total += ODD[idx] if i % 2 == 0 else idx
    s = body + chr(65 + total % 26)
    return s, s


def pt_nif():
    while True:
        p = rng.choice("1235") + digits(7)
        r = wsum(p, range(9, 1, -1)) % 11
        s = p + str(0 if r < 2 else 11 - r)
        return f"{s[:3]} {s[3:6]} {s[6:]}", s


def nl_bsn():
    while True:
        p = str(rng.randint(1, 9)) + digits(7)
        r = wsum(p, range(9, 1, -1)) % 11
        if r == 10:
            continue
        s = p + str(r)
        return f"{s[:4]}.{s[4:6]}.{s[6:]}", s


def be_nrn():
    y, m, d = date(1940, 2015)
    body = f"{y % 100:02}{m:02}{d:02}{rng.randint(1, 997):03}"
    key = 97 - int(("2" if y >= 2000 else "") + body) % 97
    s = body + f"{key:02}"
    return f"{s[:2]}.{s[2:4]}.{s[4:6]}-{s[6:9]}.{s[9:]}", s


def pl_pesel():
    y, m, d = date(1940, 2015)
    mm = m + (20 if y >= 2000 else 0)
    p = f"{y % 100:02}{mm:02}{d:02}{digits(4)}"
    c = (10 - wsum(p, [1, 3, 7, 9] * 3) % 10) % 10
    s = p + str(c)
    return s, s


def se_personnummer():
    y, m, d = date()
    if rng.random() < 0.1:
        d += 60
    p = f"{y % 100:02}{m:02}{d:02}{digits(3)}"
    s = luhn_complete(p)
    return f"{s[:6]}-{s[6:]}", f"{y // 100}{s}"


def dk_cpr():
    y, m, d = date(1940, 1999)
    serial = str(rng.randint(0, 3)) + digits(3)
    s = f"{d:02}{m:02}{y % 100:02}"
    return f"{s}-{serial}", f"{s}{serial}"


def fi_hetu():
    y, m, d = date(1940, 2015)
    sign = rng.choice("-YXWVU") if y < 2000 else rng.choice("ABCDEF")
    ind = f"{rng.randint(2, 899):03}"
    base = f"{d:02}{m:02}{y % 100:02}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(base + ind) % 31]
    s = f"{base}{sign}{ind}{check}"
    return s, s


def eleven_minus(total):
    r = 11 - total % 11
    return None if r == 10 else (0 if r == 11 else r)


def no_fodselsnummer():
    while True:
        y, m, d = date(1940, 1999)
        ind = f"{rng.randint(0, 499):03}"
        p = f"{d:02}{m:02}{y % 100:02}{ind}"
        k1 = eleven_minus(wsum(p, [3, 7, 6, 1, 8, 9, 4, 5, 2]))
        if k1 is None:
            continue
        k2 = eleven_minus(wsum(p + str(k1), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]))
        if k2 is None:
            continue
        s = p + str(k1) + str(k2)
        return f"{s[:6]} {s[6:]}", s


def ch_ahv():
    p = "756" + digits(9)
    c = (10 - wsum(p, [1, 3] * 6) % 10) % 10
    s = p + str(c)
    return f"{s[:3]}.{s[3:7]}.{s[7:11]}.{s[11:]}", s


def at_svnr():
    while True:
        y, m, d = date()
        serial = str(rng.randint(1, 9)) + digits(2)
        birth = f"{d:02}{m:02}{y % 100:02}"
        c = wsum(serial + "0" + birth, [3, 7, 9, 0, 5, 8, 4, 2, 1, 6]) % 11
        if c == 10:
            continue
        return f"{serial}{c} {birth}", f"{serial}{c}{birth}"


def ca_sin():
    s = luhn_complete(str(rng.choice([1, 2, 3, 4, 5, 6, 7, 9])) + digits(7))
    return f"{s[:3]} {s[3:6]} {s[6:]}", s


CURP_ALPHA = "0123456789ABCDEFGHIJKLMN\u00d1OPQRSTUVWXYZ"
STATES = ["AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC",
          "MN", "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ",
          "YN", "ZS"]


def mx_curp():
    y, m, d = date(1940, 2015)
    cons = "BCDFGHJKLMNPQRSTVWXYZ"
    body = (rng.choice(cons) + rng.choice("AEIOU") + rng.choice(cons) + rng.choice(cons)
            + f"{y % 100:02}{m:02}{d:02}" + rng.choice("HM") + rng.choice(STATES)
            + "".join(rng.choice(cons) for _ in range(3))
            + (rng.choice(string.digits) if y < 2000 else rng.choice(string.ascii_uppercase)))
    total = sum(CURP_ALPHA.index(c) * w for c, w in zip(body, range(18, 1, -1)))
    s = body + str((10 - total % 10) % 10)
    return s, s


def br_cpf():
    while True:
        p = digits(9)
        if len(set(p)) == 1:
            continue
        d1 = wsum(p, range(10, 1, -1)) * 10 % 11 % 10
        d2 = wsum(p + str(d1), range(11, 1, -1)) * 10 % 11 % 10
        s = p + str(d1) + str(d2)
        return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}", s


def ar_dni():
    n = rng.randint(10_000_000, 45_999_999)
    s = str(n)
    return f"{s[:2]}.{s[2:5]}.{s[5:]}", s


def cl_rut():
    n = str(rng.randint(5_000_000, 25_999_999))
    total = sum(int(c) * w for c, w in zip(reversed(n), [2, 3, 4, 5, 6, 7] * 2))
    r = 11 - total % 11
    dv = {11: "0", 10: "K"}.get(r, str(r))
    return f"{n[:-6]}.{n[-6:-3]}.{n[-3:]}-{dv}", f"{n}-{dv}"


VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
      [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
VP1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]


def verhoeff_ok(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        x = int(ch)
        for _ in range(i % 8):
            x = VP1[x]
        c = VD[c][x]
    return c == 0


def in_aadhaar():
    p = str(rng.randint(2, 9)) + digits(10)
    s = next(p + c for c in string.digits if verhoeff_ok(p + c))
    return f"{s[:4]} {s[4:8]} {s[8:]}", s


def in_pan():
    up = string.ascii_uppercase
    s = "".join(rng.choice(up) for _ in range(3)) + rng.choice("PPPPCHF") + rng.choice(up) + digits(4) + rng.choice(up)
    return s, s


def cn_resident_id():
    y, m, d = date(1940, 2010)
    p = f"{rng.choice(['11', '31', '44', '51', '32'])}{digits(4)}{y}{m:02}{d:02}{digits(3)}"
    total = 0
    for c in p:
        total = (total + int(c)) * 2 % 11
    c = (12 - total) % 11
    s = p + ("X" if c == 10 else str(c))
    return s, s


def jp_my_number():
    p = digits(11)
    r = wsum(p, [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11
    s = p + str(0 if r <= 1 else 11 - r)
    return f"{s[:4]} {s[4:8]} {s[8:]}", s


def kr_rrn():
    y, m, d = date(1940, 2015)
    g = rng.choice("12") if y < 2000 else rng.choice("34")
    p = f"{y % 100:02}{m:02}{d:02}{g}{digits(5)}"
    c = (11 - wsum(p, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11) % 10
    s = p + str(c)
    return f"{s[:6]}-{s[6:]}", s


def sg_nric():
    series = rng.choice("STFG")
    n = digits(7)
    total = wsum(n, [2, 7, 6, 5, 4, 3, 2]) + (4 if series in "TG" else 0)
    table = "JZIHGFEDCBA" if series in "ST" else "XWUTRQPNMLK"
    s = series + n + table[total % 11]
    return s, s


def au_tfn():
    while True:
        s = digits(9)
        if s[0] != "0" and wsum(s, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 == 0:
            return f"{s[:3]} {s[3:6]} {s[6:]}", s


def au_medicare():
    p = str(rng.randint(2, 6)) + digits(7)
    c = wsum(p, [1, 3, 7, 9, 1, 3, 7, 9]) % 10
    issue = str(rng.randint(1, 9))
    s = p + str(c) + issue
    return f"{s[:4]} {s[4:9]} {s[9]}", s


def nz_ird():
    while True:
        n = rng.randint(10_000_000, 149_999_999)
        base = f"{n // 10:08}"
        r = wsum(base, [3, 2, 7, 6, 5, 4, 3, 2]) % 11
        c = 0 if r == 0 else 11 - r
        if c == 10:
            r = wsum(base, [7, 4, 3, 2, 5, 2, 7, 6]) % 11
            c = 0 if r == 0 else 11 - r
            if c == 10:
                continue
        s = base.lstrip("0") + str(c)
        s = s if len(s) >= 8 else s.rjust(8, "0")
        return f"{s[:-6]}-{s[-6:-3]}-{s[-3:]}", s


def za_id():
    y, m, d = date()
    s = luhn_complete(f"{y % 100:02}{m:02}{d:02}{digits(4)}{rng.choice('01')}8")
    return s, s


def mrz_check(field):
    def value(c):
        return int(c) if c.isdigit() else (0 if c == "<" else ord(c) - 55)
    return str(sum(value(c) * w for c, w in zip(field, [7, 3, 1] * 20)) % 10)


def passport_mrz():
    number = rng.choice(string.ascii_uppercase) + digits(7) + rng.choice(["<", digits(1)])
    y, m, d = date()
    birth = f"{y % 100:02}{m:02}{d:02}"
    expiry = f"{rng.randint(27, 35)}{rng.randint(1, 12):02}{rng.randint(1, 28):02}"
    personal = "<" * 14
    line = (number + mrz_check(number) + rng.choice(["UTO", "D<<", "FRA", "NLD", "GBR"]) + birth
            + mrz_check(birth) + rng.choice("MF") + expiry + mrz_check(expiry) + personal + "<")
    line += mrz_check(line[0:10] + line[13:20] + line[21:43])
    return line, line


def date_of_birth():
    y, m, d = date()
    style = rng.randint(0, 2)
    if style == 0:
        s = f"{y}-{m:02}-{d:02}"
    elif style == 1:
        s = f"{d:02}/{m:02}/{y}"
    else:
        s = f"{d:02}.{m:02}.{y}"
    return s, s


# --- core rules -----------------------------------------------------------------------------

def email():
    user = rng.choice(["jane.doe", "j.smith", "max.mustermann", "erika", "support", "a.tester"])
    s = f"{user}{rng.randint(1, 99)}@{rng.choice(['example.com', 'example.org', 'example.net'])}"
    return s, s


def phone():
    # Numbers valid for their country, none in a fictitious range.
    style = rng.randint(0, 2)
    if style == 0:
        s = f"+49 30 {rng.randint(2000000, 9999999)}"
    elif style == 1:
        s = f"+33 1 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    else:
        s = f"(212) {rng.randint(200, 999)}-{rng.randint(2000, 9999)}"
    return s, s


def credit_card():
    p = "4" + str(rng.randint(1, 9)) + digits(13)
    s = luhn_complete(p)
    return f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}", s


def iban():
    bank = digits(8)
    account = digits(10)
    bban = bank + account
    n = int(bban + "131400")  # DE = 13 14, check digits 00
    check = 98 - n % 97
    s = f"DE{check:02}{bban}"
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4)), s


def us_ssn():
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03}-{rng.randint(1, 99):02}-{rng.randint(1, 9999):04}"
        if s.startswith("078-05-1120"):
            continue
        return s, s.replace("-", "")


def ip_address():
    s = f"{rng.choice([10, 172, 192])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return s, s


# --- contexts ------------------------------------------------------------------------------
# keyword: templates with a keyword; {v} gets the formatted value, {b} the bare one.
# alone: templates without a keyword, only for layouts reported without context.
# fields: column names that say what the column holds.

RULES = {
    "us_itin": (us_itin, ["ITIN: {v}", "Taxpayer ITIN {v} on W-7 form", "itin={b} status=approved",
                          "Applicant's ITIN is {b}."], ["Ref. {v} per IRS letter"], ["itin", "tax_id"]),
    "gb_nino": (gb_nino, ["National Insurance number: {v}", "NINO {b}", "NI number {v}, tax code 1257L"],
                ["Employee record {v} updated"], ["ni_number", "nino", "national_insurance_number"]),
    "gb_nhs": (gb_nhs, ["NHS number: {v}", "Patient NHS No {b} registered at the surgery",
                        "nhs {v}"], [], ["nhs_number", "nhs_no"]),
    "ie_ppsn": (ie_ppsn, ["PPSN: {v}", "PPS number {b} on the claim", "PPS No. {v}"], [], ["ppsn", "pps_number"]),
    "fr_nir": (fr_nir, ["Numéro de sécurité sociale : {v}", "NIR {b}", "n° sécu {v}"],
               ["Assuré : {v} (carte Vitale)"], ["nir", "num_secu"]),
    "de_tax_id": (de_tax_id, ["Steuer-ID: {v}", "Ihre Steueridentifikationsnummer {b}", "IdNr {b}"], [],
                  ["steuer_id", "steueridentifikationsnummer"]),
    "es_dni": (es_dni, ["DNI: {v}", "NIF {b} del titular", "D.N.I. {b}"], ["Titular: {v}, alta 2019"],
               ["dni", "nif"]),
    "es_nie": (es_nie, ["NIE: {v}", "Número NIE {b}", "tarjeta de residencia {b}"], ["Solicitante {v}"], ["nie"]),
    "it_fiscal_code": (it_fiscal_code, ["Codice fiscale: {v}", "C.F. {b}", "cod. fisc. {v}"],
                       ["Intestatario {v} - contratto attivo"], ["codice_fiscale", "cf"]),
    "pt_nif": (pt_nif, ["NIF: {v}", "Número de contribuinte {b}", "contribuinte n.º {v}"], [], ["nif", "contribuinte"]),
    "nl_bsn": (nl_bsn, ["BSN: {v}", "Burgerservicenummer {b}", "bsn {b} van de aanvrager"], [], ["bsn", "burgerservicenummer"]),
    "be_nrn": (be_nrn, ["Rijksregisternummer: {v}", "INSZ {b}", "numéro de registre national {v}"],
               ["Werknemer {v} in dienst"], ["rijksregisternummer", "insz", "niss"]),
    "pl_pesel": (pl_pesel, ["PESEL: {v}", "nr PESEL {b}", "Pacjent, PESEL {v}, skierowanie"], [], ["pesel"]),
    "se_personnummer": (se_personnummer, ["Personnummer: {v}", "personnummer {b}", "Pers.nr {v} (sökande)"], [],
                        ["personnummer", "personnr"]),
    "dk_cpr": (dk_cpr, ["CPR-nr.: {v}", "CPR {b}", "cpr-nummer {v} på borgeren"], [], ["cpr", "cpr_nr"]),
    "fi_hetu": (fi_hetu, ["Henkilötunnus: {v}", "HETU {b}", "hetu {v} (hakija)"], ["Asiakas {v} rekisterissä"],
                ["hetu", "henkilotunnus"]),
    "no_fodselsnummer": (no_fodselsnummer, ["Fødselsnummer: {v}", "fnr {b}", "fødselsnummer {b} til søker"], [],
                         ["fodselsnummer", "fnr"]),
    "ch_ahv": (ch_ahv, ["AHV-Nr.: {v}", "AHV {b}", "numéro AVS {v}"], ["Versicherter {v}"], ["ahv", "avs", "ahv_nr"]),
    "at_svnr": (at_svnr, ["SVNR: {v}", "Sozialversicherungsnummer {b}", "SV-Nr. {v} laut e-card"], [], ["svnr", "sv_nr"]),
    "ca_sin": (ca_sin, ["SIN: {v}", "Social Insurance Number {b}", "numéro d'assurance sociale {v}"], [], ["sin"]),
    "mx_curp": (mx_curp, ["CURP: {v}", "curp {b} del solicitante"], ["Alumno {v} inscrito"], ["curp"]),
    "br_cpf": (br_cpf, ["CPF: {v}", "cpf {b}", "CPF/MF nº {v}"], ["Cliente {v} cadastrado"], ["cpf"]),
    "ar_dni": (ar_dni, ["DNI: {v}", "DNI {b} del titular", "Documento Nacional de Identidad {v}"], [], ["dni", "nro_documento"]),
    "cl_rut": (cl_rut, ["RUT: {v}", "R.U.T. {b}", "rol único tributario {v}"], ["Cliente {v} con boleta"], ["rut"]),
    "in_aadhaar": (in_aadhaar, ["Aadhaar: {v}", "aadhaar no {b}", "UIDAI Aadhaar number {v}"], [], ["aadhaar", "aadhaar_number"]),
    "in_pan": (in_pan, ["PAN: {v}", "PAN number {b} linked", "Permanent Account Number {v}"], [], ["pan", "pan_number"]),
    "cn_resident_id": (cn_resident_id, ["身份证号码：{v}", "居民身份证 {b}", "resident id {v}"], ["申请人 {v} 已登记"],
                       ["sfzh", "id_card"]),
    "jp_my_number": (jp_my_number, ["マイナンバー：{v}", "個人番号 {b}", "My Number {v}"], [], ["my_number", "mynumber"]),
    "kr_rrn": (kr_rrn, ["주민등록번호: {v}", "주민번호 {b}", "RRN {v}"], ["신청인 {v} 접수"], ["rrn", "jumin"]),
    "sg_nric": (sg_nric, ["NRIC: {v}", "NRIC/FIN {b}", "ic no {v}"], ["Applicant {v} verified"], ["nric", "fin"]),
    "au_tfn": (au_tfn, ["TFN: {v}", "Tax File Number {b}", "tfn {v} supplied"], [], ["tfn", "tax_file_number"]),
    "au_medicare": (au_medicare, ["Medicare: {v}", "Medicare card {b}", "medicare no {v}"], [], ["medicare", "medicare_number"]),
    "nz_ird": (nz_ird, ["IRD number: {v}", "IRD {b}", "Inland Revenue number {v}"], [], ["ird", "ird_number"]),
    "za_id": (za_id, ["ID number: {v}", "SA ID {b}", "identity number {v}"], [], ["id_number", "sa_id"]),
    "passport_mrz": (passport_mrz, ["passport MRZ {v}"], ["{v}", "MRZ line 2: {v}"], ["mrz"]),
    "date_of_birth": (date_of_birth, ["DOB: {v}", "Date of birth {v}", "born {v}", "Geburtsdatum: {v}",
                                      "fecha de nacimiento {v}"], [], ["dob", "birth_date", "date_of_birth"]),
    "email": (email, ["email: {v}", "Contact {v} for access"], ["from {v}", "<{v}>"], ["email"]),
    "phone": (phone, ["Phone: {v}", "tel {v}", "call {v} after 5pm"], ["reach us at {v}"], ["phone", "mobile"]),
    "credit_card": (credit_card, ["card {v}", "Visa {v} exp 12/29", "credit card number {b}"], ["paid with {v}"],
                    ["card_number"]),
    "iban": (iban, ["IBAN {v}", "Konto: {b}", "pay to {b}"], ["{v}"], ["iban"]),
    "us_ssn": (us_ssn, ["SSN: {v}", "social security number {v}", "ssn {b}"], ["applicant {v} on file"], ["ssn"]),
    "ip_address": (ip_address, ["client {v} connected", "from {v} port 22"], ["{v}"], ["ip"]),
}

# Rules with no check at all: their invalid values are indistinguishable from valid ones.
# (Phone validity comes from libphonenumber's metadata, not a check digit.)
UNCHECKED = {"ar_dni", "in_pan", "email", "ip_address", "phone"}


def invalid_itin(v):
    return v[:4] + rng.choice(["93", "12", "45"]) + v[6:]


def invalid_nino(v):
    return rng.choice(["D", "F", "Q", "U", "V"]) + v[1:]


def invalid_cpr(v):
    return f"{rng.randint(32, 39)}" + v[2:]


def invalid_date(v):
    if "-" in v:
        return v[:5] + "02-30"
    return "31" + v[2] + "04" + v[5:]


def invalid_medicare(v):
    i = 9 if " " in v else 8
    return v[:i] + str((int(v[i]) + rng.randint(1, 9)) % 10) + v[i + 1:]


def invalid_ssn(v):
    return rng.choice(["000", "666"]) + v[3:]


# How to break a value of a rule whose last digit is not (only) a check digit.
INVALIDATE = {
    "us_itin": invalid_itin,
    "gb_nino": invalid_nino,
    "dk_cpr": invalid_cpr,
    "date_of_birth": invalid_date,
    "au_medicare": invalid_medicare,
    "us_ssn": invalid_ssn,
}

HARD_NEGATIVES = [
    "Order #{n11} shipped to the customer",
    "order {n9} confirmed, invoice {n10} attached",
    "Invoice {n8}-{n4} due in 30 days",
    "tracking number {n12} (DHL)",
    "Tracking: 1Z{up3}{n3}{n10}",
    "build {n4}.{n2}.{n3}.{n4} released",
    "version {n1}.{n2}.{n3}",
    "uuid {uuid}",
    "request_id={uuid} took {n3} ms",
    "commit {sha}",
    "git sha {sha7} on branch main",
    "timestamp {epoch}",
    "ts={epoch_ms} level=INFO",
    "{iso} INFO worker {n5} started",
    "2005-06-03-15.42.50.{n6} R02-M1-N0-C:J12-U11 RAS KERNEL INFO",
    "081109 {n6} {n3} INFO dfs.DataNode: Received block blk_-{n19} of size {n8}",
    "pid {n5} exited with status 0",
    "listening on port {n4}",
    "ticket {up3}-{n5} opened",
    "transaction {n16} settled",
    "serial number {n12}",
    "SKU {n13} in stock",
    "session {n18} expired",
    "size {n10} bytes",
    "elapsed {n9} ns",
    "ISBN 978-{n1}-{n3}-{n5}-{n1}",
    "EAN {n13}",
    "{n1}.{n2}.{n3}.{n4}.{n2}",
    "v{n2}.{n1}.{n5}.{n4}",
    "matrix row: {n4} {n4} {n4} {n4} {n4}",
    "counts {n3} {n3} {n3} {n3}",
    "hash {hex32}",
    "token {b64}",
    "created 2019-{mm}-{dd} by admin",
    "updated {dd}/{mm}/2021 14:{mm}",
    "expires {dd}.{mm}.2030",
    "due date {iso_date}",
    "Release {yyyy}-{mm}-{dd}",
    "id {n9}",
    "user_id={n11}",
    "account {n10}",
    "customer #{n8}",
    "ref {n12}",
    "call id {n12} routed",
    "msisdn-hash {n15}",
    "PO {n10}-{n3}",
    "model {up2}{n4}{up1}",
    "part no. {up3}{n7}{up1}",
    "flight {up2}{n4} gate {up1}{n2}",
    "room {n3}, floor {n1}",
    "ZIP {n5}-{n4}",
    "lat {n2}.{n6} lon -{n3}.{n6}",
    "{n6}-{n4}",
    "{n3} {n3} {n3}",
    "{n4} {n4} {n4}",
    "{n2}.{n3}.{n3}",
    "{n11}",
    "{n13}",
    "{n10}",
]

# Published test and fictitious values in the contexts a real value would have: reported only
# as test values, below the default confidence, so a reader expects no finding on these lines.
TEST_VALUES = [
    "card 4111 1111 1111 1111",
    "Visa 4242424242424242 exp 12/29",
    "credit card number 5555555555554444",
    "amex 3782-822463-10005",
    "paid with 6011 1111 1111 1117",
    "Phone: (212) 555-0142",
    "tel +1 415-555-0100",
    "call 202.555.0199 after 5pm",
    "IBAN DE89 3704 0044 0532 0130 00",
    "pay to GB82WEST12345698765432",
    "IBAN FR14 2004 1010 0505 0001 3M02 606",
    "SSN: 078-05-1120",
]


def bare_card():
    """A Luhn-valid card-shaped digit run with no card word near it: too weak to report."""
    prefix = rng.choice(["4" + digits(11), "4" + digits(14), "5" + str(rng.randint(1, 5)) + digits(13)])
    return luhn_complete(prefix)


def fill(template):
    def rnd(n):
        return digits(n)
    out = template
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        key = out[start + 1:end]
        if key.startswith("n") and key[1:].isdigit():
            value = str(rng.randint(1, 9)) + rnd(int(key[1:]) - 1)
        elif key.startswith("up"):
            value = "".join(rng.choice(string.ascii_uppercase) for _ in range(int(key[2:])))
        else:
            value = {
                "uuid": "-".join("".join(rng.choice("0123456789abcdef") for _ in range(k)) for k in (8, 4, 4, 4, 12)),
                "sha": "".join(rng.choice("0123456789abcdef") for _ in range(40)),
                "sha7": "".join(rng.choice("0123456789abcdef") for _ in range(7)),
                "hex32": "".join(rng.choice("0123456789abcdef") for _ in range(32)),
                "b64": "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24)),
                "epoch": str(rng.randint(1_100_000_000, 1_800_000_000)),
                "epoch_ms": str(rng.randint(1_100_000_000_000, 1_800_000_000_000)),
                "iso": f"20{rng.randint(10, 26)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}T{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}Z",
                "iso_date": f"20{rng.randint(10, 30)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}",
                "yyyy": str(rng.randint(1990, 2030)),
                "mm": f"{rng.randint(1, 12):02}",
                "dd": f"{rng.randint(1, 28):02}",
            }[key]
        out = out[:start] + value + out[end + 1:]
    return out


def main():
    lines = ["# labels\tfield\ttext  (generated by scripts/gen_accuracy_corpus.py; do not edit)"]

    def emit(labels, field, text):
        assert "\t" not in text and "\n" not in text
        lines.append(f"{','.join(labels) or '-'}\t{field or '-'}\t{text}")

    for rule, (gen, keyword, alone, fields) in RULES.items():
        lines.append(f"# {rule}: values in context")
        for i in range(30):
            v, b = gen()
            emit([rule], None, keyword[i % len(keyword)].format(v=v, b=b))
        for i in range(10):
            v, b = gen()
            emit([rule], fields[i % len(fields)], b if i % 2 else v)
        for i in range(10 if alone else 0):
            v, b = gen()
            emit([rule], None, alone[i % len(alone)].format(v=v, b=b))
        if rule not in UNCHECKED:
            lines.append(f"# {rule}: check digit or date wrong")
            invalidate = INVALIDATE.get(rule, bump_last)
            for i in range(15):
                v, _ = gen()
                bad = invalidate(v)
                emit([], None, keyword[i % len(keyword)].format(v=bad, b=bad))
    lines.append("# hard negatives: order numbers, timestamps, ids, versions, hashes")
    for _ in range(6):
        for template in HARD_NEGATIVES:
            emit([], None, fill(template))
    lines.append("# published test and fictitious values")
    for text in TEST_VALUES:
        emit([], None, text)
    lines.append("# card-shaped digit runs without a card word or column")
    for template in ["{v}", "ref {v}", "{v} ok", "total {v}"] * 5:
        emit([], None, template.format(v=bare_card()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
