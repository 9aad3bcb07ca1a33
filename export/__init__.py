"""Files that leave the machine (DOCX, XLSX, packages) and files that come
back; never touches widgets."""
