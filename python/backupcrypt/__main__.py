"""``python -m backupcrypt``: the ``backupcrypt`` command line (decrypt.py's replacement).

Runs the CLI binary that the wheel installed beside Python (``backupcrypt
decrypt --filein X --fileout Y --password-file F`` and every other command).
"""

from backupcrypt._cli import main

if __name__ == "__main__":
    main()
