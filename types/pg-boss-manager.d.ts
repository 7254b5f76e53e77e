/** pg-boss's internal Manager class (lib/queue/boss.ts guards two of its methods). */
declare module 'pg-boss/src/manager.js' {
  const Manager: { prototype: object };
  export default Manager;
}
