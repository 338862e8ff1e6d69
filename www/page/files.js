// Where files come in: the file picker, and files dropped anywhere on the page.
'use strict';

function addFiles(files) {
  for (const file of files) addCard(file);
  $('empty').classList.toggle('hidden', $('file-list').children.length > 0);
  if (files.length) announce(`${files.length} file${files.length > 1 ? 's' : ''} added`);
}

{
  const picker = $('files');
  picker.addEventListener('change', () => { addFiles([...picker.files]); picker.value = ''; });
  const drop = $('drop');
  for (const t of ['dragenter', 'dragover']) {
    document.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add('over'); });
  }
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.classList.remove('over'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    addFiles([...e.dataTransfer.files]);
  });
}
