package org.msrptools.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SafeFileNameTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "report.pdf | report.pdf",
            "../x | x",
            "../../etc/passwd | passwd",
            "/etc/passwd | passwd",
            "C:\\Windows\\x.txt | x.txt",
            "C:x | C_x",
            "'' | received-file",
            ".. | received-file",
            ". | received-file",
            ".hidden | hidden",
            "CON | _CON",
            "con.txt | _con.txt",
            "LPT1.log | _LPT1.log",
            "-rf | _-rf",
            "--help.txt | _--help.txt",
            "a-b.txt | a-b.txt",
            "trailing dots... | trailing dots",
            "a*b?c<d>e\"f | a_b_c_d_e_f",
            "Grüße aus Köln.txt | Grüße aus Köln.txt",
    })
    void cleans(String offered, String expected) {
        assertThat(SafeFileName.clean(offered)).isEqualTo(expected);
    }

    @Test
    void controlCharactersAndNul() {
        assertThat(SafeFileName.clean("a\u0000b\nc\u007f\u009b.txt")).isEqualTo("a_b_c__.txt");
        assertThat(SafeFileName.clean("x\u202Etxt.exe")).as("no bidi override").isEqualTo("x_txt.exe");
        assertThat(SafeFileName.clean(null)).isEqualTo(SafeFileName.FALLBACK);
    }

    /** Under the C locale file names are ASCII: a name it cannot write loses its accents, else "_", up front. */
    @Test
    void aNameTheFileSystemEncodingCannotHoldIsWrittenInIt() {
        var ascii = java.nio.charset.StandardCharsets.US_ASCII.newEncoder();
        assertThat(SafeFileName.clean("r\u00e9sum\u00e9 \u65e5\u672c.pdf", ascii)).isEqualTo("resume __.pdf");
        assertThat(SafeFileName.clean("report\u2028\u2029.pdf")).as("line breaks are no part of a name")
                .isEqualTo("report__.pdf");
    }

    @Test
    void unicodeNormalisationMakesLookAlikesOneName() {
        String decomposed = "e\u0301te\u0301.txt"; // e + combining acute
        assertThat(SafeFileName.clean(decomposed)).isEqualTo("\u00e9t\u00e9.txt");
    }

    @Test
    void longNamesAreCutKeepingTheExtension() {
        String name = "a".repeat(4000) + ".pdf";
        String clean = SafeFileName.clean(name);
        assertThat(clean).endsWith(".pdf");
        assertThat(clean.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
        String wide = "ü".repeat(3000);
        assertThat(SafeFileName.clean(wide).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
        String archive = SafeFileName.clean("é".repeat(120) + ".tar.gz"); // found by a new user: ".gz" only
        assertThat(archive).endsWith("é.tar.gz");
        assertThat(archive.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
    }

    @Test
    void numberedCopies() {
        assertThat(SafeFileName.numbered("a.txt", 0)).isEqualTo("a.txt");
        assertThat(SafeFileName.numbered("a.txt", 2)).isEqualTo("a (2).txt");
        assertThat(SafeFileName.numbered("noext", 1)).isEqualTo("noext (1)");
        assertThat(SafeFileName.numbered("report.tar.gz", 1)).as("a compressed archive's two parts")
                .isEqualTo("report (1).tar.gz");
        assertThat(SafeFileName.numbered("r.TAR.zst", 1)).isEqualTo("r (1).TAR.zst");
        assertThat(SafeFileName.numbered("a.tar", 1)).isEqualTo("a (1).tar");
        assertThat(SafeFileName.numbered("my.tar.notes.txt", 1)).isEqualTo("my.tar.notes (1).txt");
        assertThat(SafeFileName.numbered(".tar.gz", 1)).as("no stem").isEqualTo(".tar (1).gz");
    }
}
