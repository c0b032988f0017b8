package org.msrptools.client;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words that leave its name out: the
 * message around it names the file once ("cannot read password file pw: no
 * such file"), where the JDK's own messages would name it again.
 */
public final class FileProblem {

    private FileProblem() {
    }

    public static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null || reason.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
