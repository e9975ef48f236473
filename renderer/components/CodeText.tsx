/** Text from the core in which `back-ticked` parts are commands or paths: those are shown as code. */
export function CodeText({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))}
    </>
  );
}
