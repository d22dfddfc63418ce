"""PyInstaller hook for python-docx (packaging/build_exe.py), in place of the stock one.

python-docx opens its templates by a path through its own package folder
(``docx/parts/../templates/default-footer.xml``): the folder ``docx/parts`` must exist in the
unpacked program, so its modules are collected as source files beside the archive as well.
"""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("docx")
module_collection_mode = "pyz+py"
