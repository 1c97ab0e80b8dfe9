/**
 * A value per (group, member), as a map of maps: the group and member strings of a request are
 * mostly the interned ones of the last (protobuf-wire.ts), so each lookup is a hash already
 * computed and a pointer comparison — a `${group}\0${member}` key would be a new string to
 * build, flatten and hash for every member of every request.
 */
export class MemberMap<T> {
  private readonly byGroup = new Map<string, Map<string, T>>();

  get(group: string, member: string): T | undefined {
    return this.byGroup.get(group)?.get(member);
  }

  set(group: string, member: string, value: T): void {
    let members = this.byGroup.get(group);
    if (members === undefined) {
      members = new Map();
      this.byGroup.set(group, members);
    }
    members.set(member, value);
  }

  delete(group: string, member: string): void {
    const members = this.byGroup.get(group);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.byGroup.delete(group);
  }
}
